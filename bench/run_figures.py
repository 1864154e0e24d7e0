"""Regenerate the CPU-scale reproduction of the paper's Figures 3-4 on the offline digits, with lr_img chosen per method.

    python bench/run_figures.py [--results nbs/figures/digits_results.json] [--seeds 0 1 2 3 4] [--workers 2]

1. The grid: for each method (IDC, MAS) and ipc (1, 2), lr_img in {0.001, 0.002, 0.004} (around the digits preset's
   0.002), condensed on the digits training data less a stratified 20% validation split and evaluated on that split,
   at the method's own budget (the preset's: IDC 50 outer iterations, MAS 10, the paper's 5x ratio). One seed per grid
   point (the budget's choice). The best mean validation accuracy picks each (method, ipc)'s lr_img.
2. The curves: IDC to 50 iterations and MAS to 20 (its 10, 5x fewer, and 20, 2.5x fewer), 5 seeds, at the chosen
   lr_img, on the full training data, with test accuracy at each checkpoint.

Every accuracy is one evaluation run of 300 epochs (the preset evaluates with the paper's 1000; shortened so that the
command fits in about 45 minutes on a 2-core CPU). The ablations `early` and `perturb` are left out for the same reason
(--ablations adds them, each with its own grid). Runs go 2 at a time (--workers), each in its own process with one torch
thread. Everything is saved as it finishes into the results file (the grid in its 'grid' section): rerun the same
command to continue an interrupted one. Then the two figures are drawn next to it. nbs/16_figures.ipynb plots from the
committed results. The committed run took 38.0 minutes of wall time (11.9 for the grid) on an otherwise idle 2-core
machine; its 32 runs took 73 minutes between them.
"""
import argparse, time
from pathlib import Path
import torch
from mas_nbdev.experiments import run_experiment, lr_grid, load_results, DIGITS_CHECKPOINTS, DIGITS_ABLATIONS, LR_GRID
from mas_nbdev.figures import grid_table, figure3, figure4, accuracy_table, speedup_table

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--results', default='nbs/figures/digits_results.json')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4], help='seeds of the final curves')
    p.add_argument('--grid-seeds', type=int, nargs='+', default=[0], help='seeds per grid point')
    p.add_argument('--lrs', type=float, nargs='+', default=list(LR_GRID), help='the lr_img grid')
    p.add_argument('--ipcs', type=int, nargs='+', default=[1, 2])
    p.add_argument('--workers', type=int, default=2, help='runs at a time, one process and one torch thread each')
    p.add_argument('--eval-epochs', type=int, default=300, help='epochs of each evaluation (the committed results: 300)')
    p.add_argument('--ablations', action='store_true', help='also the early-stage-only and perturbation-only ablations')
    args = p.parse_args()
    torch.set_num_threads(1)
    out = Path(args.results); out.parent.mkdir(parents=True, exist_ok=True)
    checkpoints = {**DIGITS_CHECKPOINTS, **(DIGITS_ABLATIONS if args.ablations else {})}
    t0 = time.perf_counter()
    lr_grid(out, 'digits', args.ipcs, tuple(checkpoints), args.lrs, seeds=args.grid_seeds, eval_epochs=args.eval_epochs,
            workers=args.workers, device='cpu')
    print(grid_table(load_results(out), 'digits', args.ipcs, tuple(checkpoints)), f"\ngrid done after {(time.perf_counter() - t0) / 60:.1f} min", flush=True)
    res = run_experiment(out, 'digits', args.ipcs, checkpoints, seeds=args.seeds, eval_epochs=args.eval_epochs, lr_img='grid',
                         workers=args.workers, device='cpu')
    figure3(res, 'digits', args.ipcs, out.parent/'figure3_digits.png')
    figure4(res, 'digits', args.ipcs, out.parent/'figure4_digits.png')
    for ipc in args.ipcs: print(accuracy_table(res, 'digits', ipc), speedup_table(res, 'digits', ipc), sep='\n\n', end='\n\n')
    print(f"done in {(time.perf_counter() - t0) / 60:.1f} min; results in {out}")

if __name__ == '__main__': main()
