"""Benchmark: one DM iteration of the official DC/DSA/DM code beside ours (`dm_iteration`, per-class and batched), CPU time
side by side in one process.

    OMP_NUM_THREADS=1 python bench/bench_dm_official.py --upstream /path/to/DatasetCondensation [--ipc 1 10 50] [--repeats 5]

`--upstream` is a checkout of github.com/VICO-UoE/DatasetCondensation. Its `utils.py` is imported at run time, and only its
functions are called: `get_network` (a fresh ConvNet-3 of width 128), `DiffAugment` and `ParamDiffAug` (the siamese
single-op augmentation). Nothing of it is copied here. The official-style iteration below is written from the published
algorithm (main_DM.py, ConvNet branch): a fresh network with every parameter frozen; for each class, 256 random real images
and the class's synthetic images augmented with one shared DSA seed, the real images embedded and detached, the synthetic ones
embedded with their graph; loss = sum over classes of the squared L2 distance between the class-mean embeddings; one SGD
step on the images (lr 1, momentum 0.5).

Both sides get the same generated CIFAR-10-shaped data (10 classes, `--per-class` images each, 3 x 32 x 32, pixels uniform
in [0, 1], normalised with CIFAR-10's mean and std) and the same initial images (`ipc` random real images per class). Each
repeat times one iteration of each path, in an order that rotates from repeat to repeat, after one untimed warm-up
iteration of each; the median CPU seconds per iteration (this process's CPU time, `time.process_time`: with one thread it is
the iteration's compute, and less disturbed than wall-clock time by other processes on a shared machine) are printed, and
the ratio ours / official, then the wall-clock medians and every repeat's CPU seconds. Ours runs three ways: the
per-class loop (the CPU default), the batched iteration (all classes' real images, then all synthetic images, the CUDA
default), and the per-class loop with each class's 256 real images in one forward pass (`real_batch=256`; the default
embeds them in passes of `CPU_REAL_BATCH` on a CPU). One thread (`--threads`). The official code's `DiffAugment` copies a
draw over the batch with `t[:] = t[0]`, which this torch refuses for a batch of one (ipc 1): the script makes that copy
from a clone while the official function runs (`diff_augment`), without changing the official files.
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np
import torch
from mas_nbdev.data import ImageData, ClassSampler
from mas_nbdev.models import net_spec
from mas_nbdev.augment import DSA
from mas_nbdev.baselines import DM_SETTINGS, normalised_init, dm_iteration, SetSGD

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)

def load_upstream(path:str):
    "The official utils module, imported from the checkout at `path` (its own folder first on sys.path, for `networks`)."
    sys.path.insert(0, str(Path(path).resolve()))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # scipy's deprecated `scipy.ndimage.interpolation`, torchvision notices
        import utils
    return utils

_SETITEM = torch.Tensor.__setitem__

def _setitem_copying(self, key, value):
    "Tensor assignment whose value is copied first when it shares memory with the target (this torch refuses `t[:] = t[0]` for a batch of one)."
    if isinstance(value, torch.Tensor) and value.untyped_storage().data_ptr() == self.untyped_storage().data_ptr(): value = value.clone()
    return _SETITEM(self, key, value)

def diff_augment(up, x, strategy:str, seed:int, param):
    "The official `DiffAugment`, with the one shim this torch needs: its siamese copies (`t[:] = t[0]`) made from a copy."
    torch.Tensor.__setitem__ = _setitem_copying
    try: return up.DiffAugment(x, strategy, seed=seed, param=param)
    finally: torch.Tensor.__setitem__ = _SETITEM

class Official:
    "The official-style DM iteration on the upstream functions: per class, real embedded and detached, one DSA seed shared."
    def __init__(self, up, images:torch.Tensor, labels:torch.Tensor, init:torch.Tensor, ipc:int, seed:int=0):
        self.up, self.images, self.ipc, self.k = up, images, ipc, int(labels.max()) + 1
        self.by_class = [torch.nonzero(labels == c).flatten().numpy() for c in range(self.k)]
        self.rng = np.random.default_rng(seed)
        self.syn = init.clone().requires_grad_()
        self.opt = torch.optim.SGD([self.syn], lr=DM_SETTINGS['lr_img'], momentum=DM_SETTINGS['mom_img'])
        self.param, self.strategy = up.ParamDiffAug(), DM_SETTINGS['strategy']

    def __call__(self)->float:
        net = self.up.get_network('ConvNet', 3, self.k, (32, 32))
        net.train()
        for p in net.parameters(): p.requires_grad = False
        loss = torch.tensor(0.0)
        for c in range(self.k):
            real = self.images[self.rng.permutation(self.by_class[c])[:DM_SETTINGS['batch_real']]]
            syn = self.syn[c * self.ipc:(c + 1) * self.ipc]
            seed = int(self.rng.integers(100000))   # the official code seeds from the clock; a seeded draw here
            real = diff_augment(self.up, real, self.strategy, seed, self.param)
            syn = diff_augment(self.up, syn, self.strategy, seed, self.param)
            loss = loss + ((net.embed(real).detach().mean(0) - net.embed(syn).mean(0)) ** 2).sum()
        self.opt.zero_grad(); loss.backward(); self.opt.step()
        return float(loss.detach())

class Ours:
    "`dm_iteration` on the same data, per-class or batched (`real_batch`: real images per forward pass, None: the library's default)."
    def __init__(self, data:ImageData, init:torch.Tensor, batched:bool, real_batch:int=None, seed:int=0):
        self.data, self.batched, self.real_batch, self.spec = data, batched, real_batch, net_spec(data)
        self.syn = init.clone().requires_grad_()
        self.opt = SetSGD(self.syn, DM_SETTINGS['lr_img'], DM_SETTINGS['mom_img'])
        self.sampler = ClassSampler(data, torch.Generator().manual_seed(seed))
        self.gen = torch.Generator().manual_seed(seed + 1)

    def __call__(self)->float:
        return dm_iteration(self.syn, self.opt, self.sampler, self.spec, DM_SETTINGS['batch_real'], DM_SETTINGS['strategy'],
                            self.gen, batched=self.batched, real_batch=self.real_batch)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--upstream', required=True, help='a checkout of VICO-UoE/DatasetCondensation')
    p.add_argument('--ipc', type=int, nargs='+', default=[1, 10, 50]); p.add_argument('--per-class', type=int, default=300)
    p.add_argument('--repeats', type=int, default=5); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    import warnings; warnings.filterwarnings('ignore', category=UserWarning)   # the official code's align_corners and meshgrid notices
    up = load_upstream(a.upstream)
    g = torch.Generator().manual_seed(0)
    pixels, labels = torch.rand(10 * a.per_class, 3, 32, 32, generator=g), torch.arange(10).repeat_interleave(a.per_class)
    data = ImageData(pixels, labels, 10, MEAN, STD, 'cifar10')
    normalised = DSA('', MEAN, STD).normalize(pixels)
    print(f"bench_dm_official: torch {torch.__version__}, cpu, {torch.get_num_threads()} thread(s); CIFAR-10-shaped generated data, "
          f"{a.per_class} images per class, {DM_SETTINGS['batch_real']} real images per class and iteration, ConvNet-3 width 128; "
          f"median of {a.repeats} iterations per path, alternated")
    print(f"{'ipc':>3s} {'official CPU s':>14s} {'ours per-class':>15s} {'ours batched':>13s} {'per-class/official':>19s} {'batched/official':>17s}"
          f" {'per-class, real in one pass':>28s} {'/official':>10s}")
    for ipc in a.ipc:
        init, _ = normalised_init(data, ipc, torch.Generator().manual_seed(1))
        paths = {'official': Official(up, normalised, labels, init, ipc), 'per-class': Ours(data, init, False), 'batched': Ours(data, init, True),
                 'one pass': Ours(data, init, False, DM_SETTINGS['batch_real'])}
        for f in paths.values(): f()   # warm-up: allocator, kernels
        times, walls = {k: [] for k in paths}, {k: [] for k in paths}
        names = list(paths)
        for r in range(a.repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:   # the order rotates: no path always runs first
                c0, t0 = time.process_time(), time.perf_counter(); paths[name]()
                times[name].append(time.process_time() - c0); walls[name].append(time.perf_counter() - t0)
        med, wall = ({k: float(np.median(v)) for k, v in d.items()} for d in (times, walls))
        print(f"{ipc:3d} {med['official']:14.3f} {med['per-class']:15.3f} {med['batched']:13.3f} "
              f"{med['per-class'] / med['official']:19.3f} {med['batched'] / med['official']:17.3f} {med['one pass']:28.3f} "
              f"{med['one pass'] / med['official']:10.3f}", flush=True)
        print(f"    wall-clock medians (s): " + ', '.join(f"{k} {v:.3f}" for k, v in wall.items()), flush=True)
        print(f"    CPU seconds of every repeat: " + '; '.join(f"{k} " + ' '.join(f'{t:.2f}' for t in v) for k, v in times.items()), flush=True)

if __name__ == '__main__': main()
