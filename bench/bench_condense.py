"""Benchmark: the cost of model augmentation per outer iteration, MAS against IDC, side by side.

    python bench/bench_condense.py [--dataset digits] [--iterations 8] [--rounds 4] [--device cpu]
    python bench/bench_condense.py --dataset cifar10_shaped --device cuda    # a GPU without network access

`--dataset` is a dataset name, or `cifar10_shaped` / `cifar100_shaped`: generated tensors of CIFAR's shape
(3 x 32 x 32, 10 or 100 classes, `--per-class` images each) condensed with the published CIFAR preset,
for timing where CIFAR cannot be downloaded (their accuracy means nothing).

Speed: one process condenses with MAS and IDC in turn, `--rounds` times, in the order MAS-IDC, IDC-MAS,
MAS-IDC, ... so that drifts of the machine's speed and any order effect hit both alike. Each run gives its
median seconds per outer iteration (the first iteration, which also counts FLOPs, left out); each round gives
a MAS / IDC ratio; the ratio reported is the median over rounds, with its range. MAS uses one pool, built
once and timed (the one-off cost, without the pool's own test-accuracy check, after a warm-up run on CUDA).
On CUDA, seconds are synchronised wall-clock time.

Memory: each method then runs once more in a child process of its own, so that its peak is its own: peak
resident set size on CPU (mostly the process's baseline: torch and the data; the MAS - IDC difference is
what model augmentation adds), torch.cuda.max_memory_allocated on CUDA.

The output committed in bench/results/ was made with
    OMP_NUM_THREADS=1 python bench/bench_condense.py --iterations 10 --rounds 6 | tee bench/results/bench_condense_cpu.txt
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from mas_nbdev.condense import condense, _get_pool
from mas_nbdev.models import spec_from_settings
from mas_nbdev.presets import condense_settings
from mas_nbdev.datasets import get_dataset
from mas_nbdev.data import from_tensors

GENERATED = {'cifar10_shaped': 10, 'cifar100_shaped': 100}   # name -> classes; 3 x 32 x 32 like CIFAR

def load(name, per_class=5000):
    "(train, test): a dataset by name, or generated uint8 tensors of CIFAR's shape (same every call)."
    if name not in GENERATED: return get_dataset(name)
    k, g = GENERATED[name], torch.Generator().manual_seed(0)
    def make(n):
        y = torch.arange(k).repeat_interleave(n)
        return from_tensors(torch.randint(0, 256, (len(y), 3, 32, 32), dtype=torch.uint8, generator=g), y, k, name=name)
    return make(per_class), make(max(1, per_class // 5))

def run(args, method, pool):
    "One condensation; its seconds per outer iteration (median after the first) and FLOPs per iteration."
    syn = condense(load(args.dataset, args.per_class), ipc=args.ipc, method=method, iterations=args.iterations,
                   inner_loop=args.inner_loop, seed=args.seed, device=args.device,
                   pool=pool if method in ('mas', 'early') else None, progress=False)
    return statistics.median(h['seconds'] for h in syn.history[1:]), syn.history[0]['flops'], syn

def child(args):
    "Peak memory of one run of `args.child`, in a process of its own."
    _, _, syn = run(args, args.child, args.pool)
    peak = (torch.cuda.max_memory_allocated() / 2**20 if syn.images.is_cuda
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(dict(method=args.child, peak_mib=peak)))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='digits'); p.add_argument('--ipc', type=int, default=1)
    p.add_argument('--iterations', type=int, default=8); p.add_argument('--rounds', type=int, default=4)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--device', default=None)
    p.add_argument('--inner-loop', type=int, default=None, help="inner steps per outer iteration (default: the preset's)")
    p.add_argument('--per-class', type=int, default=5000, help='images per class of a generated dataset')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (1 is fastest for the digits preset)')
    p.add_argument('--child', default=None); p.add_argument('--pool', default=None)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.child: return child(args)

    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    args.device = str(device)
    with tempfile.TemporaryDirectory() as tmp:
        pool_file = Path(tmp)/'pool.pt'
        train, test = load(args.dataset, args.per_class)
        s = condense_settings(train.name, args.ipc, 'mas', inner_loop=args.inner_loop, seed=args.seed)
        train, test = train.to(device), test.to(device)
        spec = spec_from_settings(train, s)
        if device.type == 'cuda':   # warm-up: CUDA context and kernels, so that the pool's time is its own
            _get_pool(None, 'mas', train, None, spec, {**s, 'pool_size': 1, 'pool_epochs': 1}, device)
        t0 = time.perf_counter()
        pool, _, pool_flops = _get_pool(str(pool_file), 'mas', train, None, spec, s, device)
        if device.type == 'cuda': torch.cuda.synchronize()
        pool_seconds = time.perf_counter() - t0

        secs, flops, ratios = {'mas': [], 'idc': []}, {}, []
        for r in range(args.rounds):
            for m in (('mas', 'idc') if r % 2 == 0 else ('idc', 'mas')):
                sec, flops[m], _ = run(args, m, pool)
                secs[m].append(sec)
            ratios.append(secs['mas'][-1] / secs['idc'][-1])

        base = [sys.executable, __file__, '--dataset', args.dataset, '--ipc', str(args.ipc), '--iterations', '3',
                '--per-class', str(args.per_class)] + (['--inner-loop', str(args.inner_loop)] if args.inner_loop else []) + [
                '--seed', str(args.seed), '--pool', str(pool_file), '--device', str(device), '--threads', str(args.threads)]
        env = {**os.environ, 'PYTHONPATH': str(Path(__file__).resolve().parents[1])}
        peak = {m: json.loads(subprocess.run(base + ['--child', m], capture_output=True, text=True, env=env,
                                             check=True).stdout.strip().splitlines()[-1])['peak_mib'] for m in secs}

    print(f"bench_condense: {args.dataset}, ipc {args.ipc}, {s['inner_loop']} inner steps x ({train.num_classes} classes + n_data "
          f"{s['n_data']}), {args.iterations} outer iterations per run, {args.rounds} rounds, device {device}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} torch thread(s), {os.cpu_count()} CPUs")
    print(f"{'method':8s} {'s/outer it (median)':>20s} {'per round':>36s} {'GFLOP/it':>9s} {'peak MiB':>9s}")
    for m, v in secs.items():
        per = ' '.join(f"{x:.3f}" for x in v)
        print(f"{m:8s} {statistics.median(v):20.3f} {per:>36s} {flops[m]/1e9:9.3f} {peak[m]:9.0f}")
    print(f"peak memory, MAS - IDC: {peak['mas'] - peak['idc']:+.0f} MiB")
    ratio = statistics.median(ratios)
    print(f"ratio MAS / IDC seconds per outer iteration: {ratio:.3f} (median over rounds; range "
          f"{min(ratios):.3f} to {max(ratios):.3f})")
    print(f"one-off pool cost: {pool_seconds:.1f} s, {pool_flops/1e9:.1f} GFLOP ({len(pool)} networks x "
          f"{s['pool_epochs']} epochs) = {pool_seconds / statistics.median(secs['mas']):.1f} MAS outer iterations")

if __name__ == '__main__': main()
