"""Regenerate the paper's results table on the offline digits: every method, ipc 1 and 2, 5 seeds, two protocols, LRS/ARS.

    python bench/run_table.py [--results nbs/figures/table_digits.json] [--seeds 0 1 2 3 4] [--workers 2]

Rows (TABLE_ROWS): IDC (the digits preset: 50 outer iterations); MAS at 5x and 10x fewer outer iterations than IDC
(10 and 5); DC, DSA, DM, TM and CAFE at their digits presets (nbs/10_presets.ipynb). Every method's lr_img is the one
its validation grid chose (the committed grids: IDC and MAS in digits_results.json, DC/DSA/DM/CAFE in
baselines_grid.json, TM in tm_grid.json; MAS's 10x row uses the value chosen at its 5x budget). TM's runs share one
expert buffer (--experts, built by the first TM run; its cost is every TM run's setup cost).

Each set is evaluated under its own protocol (after 20%, 50% and 100% of its iterations) and under 'common' (lr
chosen on a validation split of the training data from DD-Ranking's {0.001, 0.005, 0.01, 0.05, 0.1}; and, for the ARS,
without augmentation at that lr). Random real images
(per ipc and seed) and the full training set are evaluated once under 'common' and cached. Every evaluation is one
network of 300 epochs (the paper's 1000, shortened as for Figures 3-4); the full training set, 1347 images, trains
30 epochs (about as many steps as 300 epochs of a 10-image set times 13).

Everything is saved as it finishes: rerun the same command to continue. --estimate runs one seed at ipc 1 into a
separate file (one run at a time) and extrapolates the wall time of the full command from it (ipc 2 scaled per method
by its committed grid's wall times). Measured on the shared 2-core machine: the 8 runs of one seed at ipc 1 took
12.6 min one at a time (IDC 237 s, DM 99, TM 99 with its buffer, MAS 5x 87, MAS 10x 71, DC 39, DSA 36, CAFE 31, each
with its evaluations), the references 100 s (full set, once) and 15 s (random images, per ipc and seed); the
extrapolation is 130 min of runs, about 65 min of wall time with --workers 2.
"""
import argparse, time, json
from pathlib import Path
import torch
from mas_nbdev.table import table_experiment, TABLE_ROWS, TABLE_GRIDS
from mas_nbdev.figures import results_table, table_ranking, figure3, figure4
from mas_nbdev.experiments import load_results, committed_results

def _ipc_ratio(method, ipc)->float:
    "How much longer a run of `method` takes at `ipc` than at ipc 1: the ratio of mean wall times in its committed lr_img grid."
    for g in TABLE_GRIDS:
        runs = [r for r in load_results(committed_results(g)).get('grid', {}).values() if r['method'] == method]
        at = lambda i: [r['wall_seconds'] for r in runs if r['ipc'] == i]
        if at(1) and at(ipc): return (sum(at(ipc)) / len(at(ipc))) / (sum(at(1)) / len(at(1)))
    return 1.0

def _estimate(res, ipcs, seeds, workers):
    "Per-row seconds of one seed at ipc 1 (condensation + evaluations), and the full command's wall time extrapolated from them."
    runs = {r['row']: (r['method'], r['wall_seconds']) for r in res['runs'].values() if r['ipc'] == 1}
    rand = [r['wall_seconds'] for k, r in res['reference'].items() if r['ipc'] == 1]
    full = res['reference']['digits/full']['wall_seconds']
    per_seed = 0.
    for row, (m, s) in runs.items():
        scaled = {i: s * _ipc_ratio(m, i) for i in ipcs}; per_seed += sum(scaled.values())
        print(f"  {row:8s} " + ', '.join(f"ipc {i}: {v:5.0f} s" for i, v in scaled.items()) + ('' if ipcs == [1] else '  (ipc > 1: scaled by its grid)'))
    print(f"  random real images {sum(rand) / len(rand):.0f} s per (ipc, seed); full training set {full:.0f} s once")
    total = per_seed * len(seeds) + sum(rand) / len(rand) * len(seeds) * len(ipcs) + full
    print(f"estimate: {total / 60:.0f} min of runs in all; about {total / 60 / workers:.0f} min of wall time with {workers} workers")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--results', default='nbs/figures/table_digits.json')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    p.add_argument('--ipcs', type=int, nargs='+', default=[1, 2])
    p.add_argument('--rows', nargs='+', default=list(TABLE_ROWS), help='rows of the table (TABLE_ROWS)')
    p.add_argument('--workers', type=int, default=2, help='runs at a time, one process and one torch thread each')
    p.add_argument('--eval-epochs', type=int, default=300, help='epochs of each evaluation (the committed results: 300)')
    p.add_argument('--full-epochs', type=int, default=30, help='epochs of the full-training-set evaluation')
    p.add_argument('--common-lrs', type=float, nargs='+', default=[0.001, 0.005, 0.01, 0.05, 0.1], help="the learning rates 'common' chooses from on validation")
    p.add_argument('--experts', default='runs/experts/digits', help="TM's expert buffer folder (shared by its runs)")
    p.add_argument('--estimate', action='store_true', help='one seed at ipc 1, one run at a time, into runs/table_estimate.json; then the extrapolation')
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.estimate: out, seeds, ipcs, workers = Path('runs/table_estimate.json'), [args.seeds[0]], [1], 1
    else: out, seeds, ipcs, workers = Path(args.results), args.seeds, args.ipcs, args.workers
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = table_experiment(out, 'digits', ipcs, args.rows, seeds, eval_epochs=args.eval_epochs, full_epochs=args.full_epochs, lr_grid=tuple(args.common_lrs),
                           experts=args.experts, workers=workers, device='cpu')
    wall = time.perf_counter() - t0
    for ipc in ipcs:
        print(results_table(res, 'digits', ipc), '\n')
        for score in ('own', 'common', 'lrs', 'ars'): print(f"ipc {ipc}, ranking by {score}:", table_ranking(res, 'digits', ipc, score))
    if args.estimate: _estimate(res, args.ipcs, args.seeds, args.workers)
    else:
        rows = tuple(r for r in TABLE_ROWS if r in args.rows)
        figure3(res, 'digits', ipcs, out.parent/'figure3_table_digits.png', methods=rows, by='row')
        figure4(res, 'digits', ipcs, out.parent/'figure4_table_digits.png', methods=rows, by='row')
    per_row = {}
    for r in res['runs'].values(): per_row[r['row']] = per_row.get(r['row'], 0) + r['wall_seconds']
    print('run time per row, all its runs together:', ', '.join(f"{k} {v / 60:.1f} min" for k, v in per_row.items()))
    print(f"done in {wall / 60:.1f} min of wall time ({workers} worker(s)); results in {out}")

if __name__ == '__main__': main()
