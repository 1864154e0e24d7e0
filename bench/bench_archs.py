"""Seconds per training epoch of every evaluation network, on the digits and at CIFAR-10 shapes, under the 'common' protocol's
training step (batch 256, one DSA op per batch, no CutMix), one CPU thread.

    python bench/bench_archs.py [--out nbs/figures/archs_cost_cpu.json] [--epochs 2]

Digits: 1x16x16, 10 classes; a set of 1 stored image per class (10 images: DC, DSA, DM, TM, CAFE, random real images) and
the 40 decoded images of IDC/MAS at factor 2 (4 per class); one step per epoch. The ConvNets start from the digits'
condensation network (ConvNet-3, width 32, instance norm). CIFAR-10 shapes: 3x32x32, random pixels (the cost does not
depend on them), 10 and 50 images per class (100 and 500 images: one and two steps per epoch); the ConvNets start from
the paper's ConvNet-3 (width 128). Each figure is the median of `--epochs` timed epochs after one untimed warm-up epoch,
training only (the test-set pass is not included), in CPU seconds of the process (time.process_time): with one torch
thread that is the wall time on an idle core, and it stays so when other processes share the machine (wall time would
count their turns too). Results: a JSON file (read by nbs/01a_archs.ipynb) and a text table.
"""
import argparse, json, platform, statistics, time
from pathlib import Path
from types import SimpleNamespace
import torch
from mas_nbdev.archs import arch_spec
from mas_nbdev.models import make_net, net_spec, num_params
from mas_nbdev.train import train_net
from mas_nbdev.data import digits_data

NETS = ('convnet', 'convnet_bn', 'convnet_nn', 'convnet_d2', 'mlp', 'lenet', 'alexnet', 'vgg11', 'resnet18', 'resnetap10')
COMMON_STEP = dict(batch_size=256, strategy='color_crop_cutout_flip_scale_rotate', single=True, cutmix_p=0.0, schedule='step')

def epoch_seconds(spec:dict, images:torch.Tensor, labels:torch.Tensor, mean, std, epochs:int=2, clock=time.process_time)->float:
    "Median time of `epochs` training epochs of a fresh network from `spec` on (images, labels), after one warm-up epoch: CPU seconds by default."
    torch.manual_seed(0); net = make_net(spec)
    data = SimpleNamespace(images=images, labels=labels, mean=mean, std=std)
    times = []
    for e in range(epochs + 1):
        t = clock()
        train_net(net, data, 1, decay=False, generator=torch.Generator().manual_seed(e), **COMMON_STEP)
        if e: times.append(clock() - t)
    return statistics.median(times)

def shapes():
    "(setting, base spec, images, labels, mean, std) of each measured shape."
    train, _ = digits_data()
    g = torch.Generator().manual_seed(0)
    for n in (1, 4):
        idx = torch.cat([torch.nonzero(train.labels == c).flatten()[:n] for c in range(10)])
        yield f"digits 1x16x16, {10 * n} images", net_spec(train, width=32), train.images[idx], train.labels[idx], train.mean, train.std
    cifar = SimpleNamespace(channels=3, num_classes=10, im_size=(32, 32))
    for ipc in (10, 50):
        yield (f"CIFAR-10 3x32x32, {10 * ipc} images", net_spec(cifar), torch.rand(10 * ipc, 3, 32, 32, generator=g),
               torch.arange(10).repeat_interleave(ipc), (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='nbs/figures/archs_cost_cpu.json')
    p.add_argument('--epochs', type=int, default=2, help='timed epochs per measurement (after one warm-up epoch)')
    p.add_argument('--nets', nargs='+', default=list(NETS))
    a = p.parse_args()
    torch.set_num_threads(1)
    res = dict(machine=f"{platform.processor() or platform.machine()}, 1 torch thread (OMP_NUM_THREADS=1), torch {torch.__version__}",
               protocol="'common' training step: batch 256, one DSA op per batch, no CutMix; median of timed epochs after a warm-up",
               clock='CPU seconds of the process (time.process_time)',
               epochs=a.epochs, seconds={}, params={})
    for setting, base, x, y, mean, std in shapes():
        row = res['seconds'].setdefault(setting, {})
        for n in a.nets:
            spec = arch_spec(SimpleNamespace(channels=x.shape[1], num_classes=10, im_size=tuple(x.shape[2:])), n, base)
            row[n] = epoch_seconds(spec, x, y, mean, std, a.epochs)
            res['params'].setdefault(setting.split(',')[0], {})[n] = num_params(make_net(spec))
            print(f"{setting:32s} {n:12s} {row[n]:8.3f} CPU s/epoch", flush=True)
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    txt = Path('bench/results/bench_archs_cpu.txt')
    lines = [f"CPU seconds per training epoch ({res['protocol']}); {res['machine']}", '',
             f"{'network':12s} " + ' '.join(f"{s:>32s}" for s in res['seconds'])]
    lines += [f"{n:12s} " + ' '.join(f"{res['seconds'][s][n]:32.3f}" for s in res['seconds']) for n in a.nets]
    txt.write_text('\n'.join(lines) + '\n'); print('\n'.join(lines))

if __name__ == '__main__': main()
