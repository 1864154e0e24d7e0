"""Regenerate the CPU-scale reproduction of the paper's Figures 3-4 on the offline digits.

    python bench/run_figures.py [--results nbs/figures/digits_results.json] [--seeds 0 1 2]

Runs MAS, IDC and the two ablations at ipc 1 and 2 with 3 seeds (IDC and `perturb` get 5x the outer
iterations of MAS and `early`), evaluating at each checkpoint (one 300-epoch run), and writes the results file (resumable:
rerun to continue) and the figures next to it. About 40 minutes on a 2-core CPU. With --longer-mas it
instead runs MAS alone for 20 iterations (about 6 minutes), into digits_mas20_results.json. nbs/09_figures.ipynb
plots from the committed results.
"""
import argparse, time
from pathlib import Path
import torch
from mas_nbdev.figures import run_experiment, load_results, figure3, figure4, speedup_table, DIGITS_CHECKPOINTS

MAS20 = [1, 2, 5, 10, 20]   # MAS with twice its preset's iterations: still 2.5x fewer than IDC's 50

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--results', default='nbs/figures/digits_results.json')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--ipcs', type=int, nargs='+', default=[1, 2])
    p.add_argument('--threads', type=int, default=1, help='torch threads (1 is fastest for these tiny networks)')
    p.add_argument('--eval-epochs', type=int, default=300, help='epochs of each evaluation (the committed results: 300)')
    p.add_argument('--longer-mas', action='store_true',
                   help=f'instead: MAS alone for 20 iterations (checkpoints {MAS20}) into nbs/figures/digits_mas20_results.json')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    out = Path(args.results); out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.longer_mas:
        out = out.parent/'digits_mas20_results.json'
        for ipc in args.ipcs:
            run_experiment(out, 'digits', ipc, {'mas': MAS20}, seeds=args.seeds, eval_epochs=args.eval_epochs, device='cpu')
        return print(f"done in {(time.perf_counter() - t0) / 60:.1f} min; results in {out}")
    for ipc in args.ipcs:
        run_experiment(out, 'digits', ipc, DIGITS_CHECKPOINTS, seeds=args.seeds, eval_epochs=args.eval_epochs, device='cpu')
    res = load_results(out)
    figure3(res, 'digits', args.ipcs, out.parent/'figure3_digits.png')
    figure4(res, 'digits', args.ipcs, out.parent/'figure4_digits.png')
    for ipc in args.ipcs: print(speedup_table(res, 'digits', ipc), end='\n\n')
    print(f"done in {(time.perf_counter() - t0) / 60:.1f} min; results in {out}")

if __name__ == '__main__': main()
