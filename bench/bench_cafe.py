"""Benchmark: CAFE iterations on the offline digits, in seconds and FLOPs, with the counts of its dynamic loops and how often a cap stopped them.

    OMP_NUM_THREADS=1 python bench/bench_cafe.py [--ipc 1 2] [--iterations 3] [--published-loops]

Each run is `condense('digits', method='cafe', ...)` at the digits preset (8 iterations' settings: window 4, caps of 6 outer
steps and 8 epochs, 64 real images per class and step, 16 per class in each accuracy check), or with `--published-loops` at
the published loop settings (window 10, acc_real 128, the real batch at the class's size, our caps of 100). FLOPs are the
runner's: one outer step and one inner epoch counted once by torch.utils.flop_counter (convolutions and matrix products,
forward and backward), times the iteration's own counts. Prints one row per iteration.
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from mas_nbdev.condense import condense

PUBLISHED_LOOPS = dict(window=10, acc_real=128, batch_real=256, outer_cap=100, inner_cap=100)   # batch_real is capped at the class's size

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--ipc', type=int, nargs='+', default=[1, 2]); p.add_argument('--iterations', type=int, default=3)
    p.add_argument('--published-loops', action='store_true'); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    extra = PUBLISHED_LOOPS if a.published_loops else {}
    print(f"bench_cafe: torch {torch.__version__}, cpu, {a.threads} thread(s); digits, {'published loops' if extra else 'digits preset'}")
    print('| ipc | iteration | seconds | GFLOPs | outer steps | outer capped | inner epochs | inner loops capped |')
    print('|---|---|---|---|---|---|---|---|')
    for ipc in a.ipc:
        syn = condense('digits', ipc=ipc, method='cafe', iterations=a.iterations, seed=0, progress=False, device='cpu', **extra)
        for r in syn.history:
            print(f"| {ipc} | {r['iteration']} | {r['seconds']:.2f} | {r['flops'] / 1e9:.1f} | {r['outer_steps']} | {r['outer_capped']} | "
                  f"{r['inner_epochs']} | {r['inner_capped']} |", flush=True)

if __name__ == '__main__': main()
