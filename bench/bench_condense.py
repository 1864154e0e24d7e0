"""Benchmark: the cost of model augmentation per outer iteration, MAS against IDC, side by side.

    python bench/bench_condense.py [--dataset digits] [--iterations 8] [--rounds 3] [--device cpu]

Each method runs in its own child process (so that its peak memory is its own), alternating MAS and IDC
`--rounds` times so that drifts of the machine's speed hit both alike. MAS loads the same pre-built pool,
whose one-off cost is measured once. Seconds per outer iteration are medians over the iterations after
the first (the first also counts FLOPs). On CUDA, seconds come from synchronised wall-clock time and
memory from torch.cuda.max_memory_allocated; on CPU memory is the child's peak resident set size.
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

def child(args):
    import torch
    from mas_nbdev.condense import condense
    from mas_nbdev.pretrain import ModelPool
    syn = condense(args.dataset, ipc=args.ipc, method=args.child, iterations=args.iterations, seed=args.seed,
                   device=args.device, pool=args.pool if args.child in ('mas', 'early') else None, progress=False)
    secs = [h['seconds'] for h in syn.history[1:]]
    peak = (torch.cuda.max_memory_allocated() / 2**20 if syn.images.is_cuda
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(dict(method=args.child, sec_per_iter=statistics.median(secs), secs=secs,
                          flops_per_iter=syn.history[0]['flops'], peak_mib=peak, device=str(syn.images.device),
                          inner_loop=syn.settings['inner_loop'], n_data=syn.settings['n_data'])))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='digits'); p.add_argument('--ipc', type=int, default=1)
    p.add_argument('--iterations', type=int, default=8); p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--device', default=None)
    p.add_argument('--child', default=None); p.add_argument('--pool', default=None)
    args = p.parse_args()
    if args.child: return child(args)

    import torch
    from mas_nbdev.condense import condense_settings, _get_pool
    from mas_nbdev.data import get_dataset
    from mas_nbdev.models import net_spec
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    with tempfile.TemporaryDirectory() as tmp:
        pool_file = Path(tmp)/'pool.pt'
        train, test = get_dataset(args.dataset)
        s = condense_settings(train.name, args.ipc, 'mas', seed=args.seed)
        spec = net_spec(train.to(device), s['arch'], width=s['width'], depth=s['depth'], norm=s['norm'])
        t0 = time.perf_counter()
        pool, _, pool_flops = _get_pool(str(pool_file), 'mas', train.to(device), test.to(device), spec, s, device)
        pool_seconds = time.perf_counter() - t0
        runs = {'mas': [], 'idc': []}
        base = [sys.executable, __file__, '--dataset', args.dataset, '--ipc', str(args.ipc), '--iterations',
                str(args.iterations), '--seed', str(args.seed), '--pool', str(pool_file)] + (['--device', str(device)])
        env = {**os.environ, 'PYTHONPATH': str(Path(__file__).resolve().parents[1])}
        for r in range(args.rounds):
            for m in ('mas', 'idc'):
                out = subprocess.run(base + ['--child', m], capture_output=True, text=True, env=env, check=True).stdout
                runs[m].append(json.loads(out.strip().splitlines()[-1]))
    med = {m: statistics.median(x['sec_per_iter'] for x in v) for m, v in runs.items()}
    info = runs['mas'][0]
    print(f"bench_condense: {args.dataset}, ipc {args.ipc}, {info['inner_loop']} inner steps x (10 classes + n_data "
          f"{info['n_data']}), {args.iterations} outer iterations per run, {args.rounds} rounds, device {info['device']}, "
          f"torch {torch.__version__}, {os.cpu_count()} CPUs")
    print(f"{'method':8s} {'s/outer it (median)':>20s} {'per round':>28s} {'GFLOP/it':>9s} {'peak MiB':>9s}")
    for m, v in runs.items():
        per = ' '.join(f"{x['sec_per_iter']:.3f}" for x in v)
        print(f"{m:8s} {med[m]:20.3f} {per:>28s} {v[0]['flops_per_iter']/1e9:9.3f} {max(x['peak_mib'] for x in v):9.0f}")
    print(f"ratio MAS / IDC seconds per outer iteration: {med['mas'] / med['idc']:.3f}")
    print(f"one-off pool cost: {pool_seconds:.1f} s, {pool_flops/1e9:.1f} GFLOP "
          f"({len(pool)} networks x {s['pool_epochs']} epochs) = {pool_seconds / med['mas']:.1f} MAS outer iterations")

if __name__ == '__main__': main()
