"""Benchmark: one iteration of DSA and of DM beside one IDC outer iteration, in seconds and FLOPs, at CIFAR-10's shapes.

    OMP_NUM_THREADS=1 python bench/bench_methods.py [--device cpu] [--per-class 300] [--ipc 1 10 50]

Generated tensors of CIFAR-10's shape (3 x 32 x 32, 10 classes, `--per-class` images each), ConvNet-3 of width 128, the
published settings (DSA: outer_loop/inner_loop 1/1, 10/50, 50/10 at ipc 1/10/50, 256 real images per class, the network
trained on the synthetic set with batch 256; DM: 256 real images per class, a frozen network; IDC: 100 inner steps of
matching every class on 64 real images and up to 128 decoded images, then the network on 2000 real images).

Loops are reduced and scaled, because a full iteration takes minutes to hours on a CPU: DSA is measured as one matching
step of all classes (outer_loop=1) and scaled to outer_loop matching steps plus (outer_loop - 1) x inner_loop epochs of
the network on the synthetic set (an epoch's FLOPs from a run with outer_loop=2, inner_loop=1; its seconds timed apart,
median of 20, being far shorter than the noise of a matching step); IDC as one inner step (iterations=1, inner_loop=1),
scaled by 100. FLOPs are counted by torch.utils.flop_counter on the same runs (convolutions and matrix
products, forward and backward). The prediction column is BASELINES' cost model (one ConvNet-3 forward of one image as
the unit): DSA 0.9% / 20% / 72% and DM 0.3% of an IDC outer iteration.
"""
import argparse, os, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from torch.utils.flop_counter import FlopCounterMode
from mas_nbdev.data import ImageData, ClassSampler
from mas_nbdev.models import net_spec
from mas_nbdev.condense import condense
from mas_nbdev.baselines import DSA_SETTINGS, normalised_init, dsa_iteration, dm_iteration

PREDICTED = {('dsa', 1): 0.009, ('dsa', 10): 0.20, ('dsa', 50): 0.72, ('dm', 1): 0.003, ('dm', 10): 0.003, ('dm', 50): 0.003}

def measured(fn):
    "(seconds, FLOPs) of one call of `fn`."
    with FlopCounterMode(display=False) as c:
        t0 = time.perf_counter(); fn(); s = time.perf_counter() - t0
    return s, c.get_total_flops()

def epoch_seconds(data, spec, ipc, dev, repeats=20):
    "Median seconds of one epoch of DSA's network training on a synthetic set of `ipc` images per class (batch 256, one op per batch)."
    from mas_nbdev.models import make_net
    from mas_nbdev.augment import DSA
    from mas_nbdev.train import train_epoch
    x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1))
    x, y, net = x.to(dev), y.to(dev), make_net(spec, dev)
    opt, aug = torch.optim.SGD(net.parameters(), lr=0.01), DSA(DSA_SETTINGS['strategy'], (0.,) * 3, (1.,) * 3, per_sample=True, single=True)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); train_epoch(net, x, y, opt, aug, 256, generator=torch.Generator().manual_seed(0)); times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cpu'); p.add_argument('--per-class', type=int, default=300)
    p.add_argument('--ipc', type=int, nargs='+', default=[1, 10, 50]); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    import warnings; warnings.filterwarnings('ignore', message='the synthetic images barely moved')   # one IDC step moves them little
    g = torch.Generator().manual_seed(0)
    data = ImageData(torch.rand(10 * a.per_class, 3, 32, 32, generator=g), torch.arange(10).repeat_interleave(a.per_class), 10,
                     (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010), 'cifar10')
    spec, dev = net_spec(data), torch.device(a.device)
    print(f"bench_methods: torch {torch.__version__}, {a.device}, {a.threads} thread(s); CIFAR-10-shaped generated data, {a.per_class} images per class")
    print(f"{'ipc':>3s} {'method':7s} {'s/iteration':>12s} {'TFLOP/iteration':>16s} {'s vs IDC':>9s} {'FLOPs vs IDC':>13s} {'predicted':>10s}   how measured")
    for ipc in a.ipc:
        idc = condense(data, ipc=ipc, method='idc', iterations=1, inner_loop=1, device=dev, progress=False).history[0]
        idc_s, idc_f = 100 * idc['seconds'], 100 * idc['flops']
        print(f"{ipc:3d} {'idc':7s} {idc_s:12.1f} {idc_f / 1e12:16.2f} {'1':>9s} {'1':>13s} {'1':>10s}   one inner step x 100")
        ol, il = DSA_SETTINGS['loops'][ipc]
        def run(method, outer_loop=1, inner_loop=1):
            x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1))
            x = x.to(dev).requires_grad_(); y = y.to(dev)
            opt = torch.optim.SGD([x], lr=0.1, momentum=0.5)
            sampler = ClassSampler(data, torch.Generator().manual_seed(2))
            gen = torch.Generator().manual_seed(3)
            if method == 'dm': return measured(lambda: dm_iteration(x, opt, sampler, spec, generator=gen))
            return measured(lambda: dsa_iteration(x, y, opt, sampler, spec, outer_loop, inner_loop, generator=gen))
        m_s, m_f = run('dsa', 1)
        b_s, b_f = run('dsa', 2, 1)
        t_f = b_f - 2 * m_f                                       # one epoch of the network on the synthetic set (FLOPs)
        t_s = epoch_seconds(data, spec, ipc, dev)                 # timed apart: it is far shorter than the noise of a matching step
        dsa_s, dsa_f = ol * m_s + (ol - 1) * il * t_s, ol * m_f + (ol - 1) * il * t_f
        print(f"{ipc:3d} {'dsa':7s} {dsa_s:12.2f} {dsa_f / 1e12:16.3f} {dsa_s / idc_s:8.1%} {dsa_f / idc_f:12.1%} {PREDICTED['dsa', ipc]:9.1%}   "
              f"{ol} matching steps ({m_s:.2f} s each) + {(ol - 1) * il} epochs on S ({t_s:.3f} s each)")
        dm_s, dm_f = run('dm')
        print(f"{ipc:3d} {'dm':7s} {dm_s:12.2f} {dm_f / 1e12:16.3f} {dm_s / idc_s:8.1%} {dm_f / idc_f:12.1%} {PREDICTED['dm', ipc]:9.1%}   one iteration")

if __name__ == '__main__': main()
