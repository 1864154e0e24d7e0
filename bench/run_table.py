"""Regenerate the paper's results table on a CPU: every method, two ipcs, several seeds, two protocols, LRS/ARS.

    OMP_NUM_THREADS=1 python bench/run_table.py                                   # the digits (the quick check): ipc 1 and 2, 5 seeds
    OMP_NUM_THREADS=1 python bench/run_table.py --dataset fashion_mnist           # Fashion-MNIST's CPU preset: ipc 1 (5 seeds) and 10 (3)
    OMP_NUM_THREADS=1 python bench/run_table.py --dataset fashion_mnist --estimate   # the wall time of that command, from a few timed steps

Rows (TABLE_ROWS): IDC at its preset's budget; MAS at 5x and 10x fewer outer iterations than IDC; DC, DSA, DM, TM and CAFE at
their presets (nbs/10_presets.ipynb: the digits' own, Fashion-MNIST's `preset='cpu'`); the initial images alone. Every
method's lr_img is the one its validation grid chose (the committed grids: the digits' in digits_results.json,
baselines_grid.json and tm_grid.json; Fashion-MNIST's in fashion_grid.json). TM's runs share one expert buffer, MAS's runs
one early-stage pool per seed (each built by its first run; its cost is every sharing run's setup cost).

Each set is evaluated under its own protocol (after a few fractions of its iterations, for Figure 3) and under 'common'
(its lr chosen on a validation split of the training data from DD-Ranking's {0.001, 0.005, 0.01, 0.05, 0.1}; on
Fashion-MNIST for the first seed of each row and ipc, the others reusing it; and, for the ARS, without augmentation at
that lr). Random real images (per ipc and seed) and the full training set (Fashion-MNIST: the 5000-image subset) are
evaluated once under 'common' and cached. Every evaluation is one network of 300 epochs; the full training set trains
30 epochs. Everything is saved as it finishes: rerun the same command to continue, or stop it with Ctrl-C.

--estimate times one step of each phase at each ipc (an iteration of each method, an evaluation of each size, an epoch
of a pool network and of an expert) and prints the extrapolated wall time of the full command, in about a minute.
"""
import argparse, sys, time
from pathlib import Path
import torch
from mas_nbdev.table import table_experiment, TABLE_ROWS, TABLE_FRACTIONS
from mas_nbdev.figures import results_table, table_ranking, table_speedup, figure3, figure4

DATASETS = {   # dataset -> the command's defaults for it
    'digits': dict(results='nbs/figures/table_digits.json', ipcs=[1, 2], seeds={1: [0, 1, 2, 3, 4], 2: [0, 1, 2, 3, 4]}, overrides={},
                   grids=('digits_results.json', 'baselines_grid.json', 'tm_grid.json'), fractions=TABLE_FRACTIONS, common_once=False, pools=None),
    'fashion_mnist': dict(results='nbs/figures/table_fashion_mnist.json', ipcs=[1, 10], seeds={1: [0, 1, 2, 3, 4], 10: [0, 1, 2]},
                          overrides={'preset': 'cpu'}, grids=('fashion_grid.json',), fractions=(0.25, 0.5, 1.0), common_once=True,
                          pools='runs/pools/fashion_mnist'),
}

def estimate(dataset:str, cfg:dict, rows:list, eval_epochs:int, full_epochs:int, workers:int):
    "Seconds of every phase from one timed step each, and the full command's wall time extrapolated from them."
    import warnings; warnings.filterwarnings('ignore')
    from mas_nbdev.datasets import get_dataset
    from mas_nbdev.data import class_subset
    from mas_nbdev.presets import condense_settings
    from mas_nbdev.condense import condense
    from mas_nbdev.evaluate import evaluate_protocol, random_subset
    from mas_nbdev.models import spec_from_settings
    from mas_nbdev.synthetic import decoded_per_class
    t_start = time.perf_counter()
    train, test = get_dataset(dataset)
    kw = cfg['overrides']
    s0 = condense_settings(dataset, 1, 'mas', **kw)
    data = class_subset(train, s0['per_class'], s0['subset_seed']) if s0.get('per_class') else train
    spec, k, n_val = spec_from_settings(data, s0), train.num_classes, round(0.2 * len(data))
    def timed(per_class, epochs):   # one 'common' evaluation of a set of per_class images per class, of `epochs` epochs
        sub = random_subset(data, per_class, 0)
        t = time.perf_counter(); evaluate_protocol(sub.images, sub.labels, test, 'common', lr=0.01, epochs=epochs, repeats=1, spec=spec, device='cpu', checkpoints=0)
        return time.perf_counter() - t
    def epoch_seconds(per_class):   # (seconds of one training epoch, seconds of the rest: the test pass), from two timings
        short, long = timed(per_class, 2), timed(per_class, 6)
        per_epoch = max(long - short, 0.) / 4
        return per_epoch, max(short - 2 * per_epoch, 0.)
    def eval_seconds(per_class):   # one evaluation of eval_epochs epochs and its test pass
        per_epoch, rest = epoch_seconds(per_class)
        return per_epoch * eval_epochs + rest
    test_pass = epoch_seconds(1)[1]   # one pass over the test set (and the setup)
    per_eval, per_val = {}, {}
    total, lines = 0., []
    for ipc in cfg['ipcs']:
        seeds = cfg['seeds'][ipc]
        for row in rows:
            method, fewer = TABLE_ROWS[row]
            s = condense_settings(dataset, ipc, method, **kw)
            n = decoded_per_class(ipc, s.get('factor', 1)) if method in ('idc', 'mas') else ipc
            if n not in per_eval: per_eval[n] = eval_seconds(n); per_val[n] = max(per_eval[n] - test_pass * (1 - n_val / len(test)), 0.)
            its = 0 if fewer == 0 else max(1, condense_settings(dataset, ipc, 'idc', **kw)['iterations'] // fewer) if fewer else s['iterations']
            step = 0.
            if its:
                extra = dict(inner_loop=1) if method in ('idc', 'mas') else dict(n_experts=1, buffer_epochs=s['max_start_epoch'] + s['expert_epochs']) if method == 'tm' else {}
                syn = condense((train, test), ipc, method, iterations=1, progress=False, device='cpu', **kw, **extra)
                step = syn.history[0]['seconds'] * (s['inner_loop'] if method in ('idc', 'mas') else 1)
            n_own = len({max(1, round(f * its)) for f in cfg['fractions']}) if its else 1
            per_run = its * step + (n_own + 2) * per_eval[n]
            first = 5 * per_val[n] if cfg['common_once'] else 0.   # the first seed's choice of 'common''s lr
            row_total = per_run * len(seeds) + first + (0 if cfg['common_once'] else 5 * per_val[n] * len(seeds))
            total += row_total
            lines.append(f"  ipc {ipc:2d} {row:8s} {its:4d} iterations x {step:5.1f} s + {n_own + 2} evaluations x {per_eval[n]:5.1f} s, "
                         f"x {len(seeds)} seeds: {row_total / 60:5.1f} min")
    pool = condense_settings(dataset, 1, 'mas', **kw)
    epoch = epoch_seconds(len(data) // k)[0]   # one epoch over the training data (a pool member's or an expert's, about)
    setups = pool['pool_size'] * pool['pool_epochs'] * epoch * len(cfg['seeds'][cfg['ipcs'][0]])
    tm = condense_settings(dataset, 1, 'tm', **kw)
    setups += tm['n_experts'] * tm['buffer_epochs'] * epoch
    refs = sum((2 * per_eval[ipc] + (5 * per_val[ipc] if not cfg['common_once'] else 0)) * len(cfg['seeds'][ipc]) + 5 * per_val[ipc]
               for ipc in cfg['ipcs'] if ipc in per_eval) + (full_epochs * epoch + test_pass) * 6
    total += setups + refs
    print('\n'.join(lines))
    print(f"  setups (MAS's pools, TM's experts) {setups / 60:.1f} min; random real images and the full training set {refs / 60:.1f} min")
    print(f"estimate: {total / 60:.0f} min of runs in all; about {total / 60 / workers:.0f} min of wall time with {workers} workers "
          f"(timed in {time.perf_counter() - t_start:.0f} s)")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split('\n\n', 2)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='digits', choices=list(DATASETS))
    p.add_argument('--results', help="the results file (default: nbs/figures/table_<dataset>.json; the digits' table_digits.json)")
    p.add_argument('--rows', nargs='+', default=list(TABLE_ROWS), help='rows of the table (TABLE_ROWS)')
    p.add_argument('--ipcs', type=int, nargs='+', help="images per class to run (default: the dataset's, above)")
    p.add_argument('--workers', type=int, default=2, help='runs at a time, one process and one torch thread each')
    p.add_argument('--eval-epochs', type=int, default=300, help='epochs of each evaluation (the committed results: 300)')
    p.add_argument('--full-epochs', type=int, default=30, help='epochs of the full-training-set evaluation')
    p.add_argument('--common-lrs', type=float, nargs='+', default=[0.001, 0.005, 0.01, 0.05, 0.1], help="the learning rates 'common' chooses from on validation")
    p.add_argument('--experts', help="TM's expert buffer folder (default: runs/experts/<dataset>)")
    p.add_argument('--estimate', action='store_true', help='time one step of every phase and print the extrapolated wall time, then stop')
    args = p.parse_args()
    torch.set_num_threads(1)
    cfg = dict(DATASETS[args.dataset])
    if args.ipcs:
        unknown = [i for i in args.ipcs if i not in cfg['ipcs']]
        if unknown: p.error(f"--ipcs {unknown}: {args.dataset}'s table has seeds for ipc {cfg['ipcs']} only")
        cfg['ipcs'] = args.ipcs
    if args.estimate: return estimate(args.dataset, cfg, args.rows, args.eval_epochs, args.full_epochs, args.workers)
    out = Path(args.results or cfg['results'])
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = table_experiment(out, args.dataset, cfg['ipcs'], args.rows, cfg['seeds'], eval_epochs=args.eval_epochs, full_epochs=args.full_epochs,
                           lr_grid=tuple(args.common_lrs), common_once=cfg['common_once'], fractions=cfg['fractions'], grids=cfg['grids'],
                           experts=args.experts or f'runs/experts/{args.dataset}', pools=cfg['pools'], workers=args.workers,
                           device='cpu', **cfg['overrides'])
    wall = time.perf_counter() - t0
    for ipc in cfg['ipcs']:
        print(results_table(res, args.dataset, ipc), '\n')
        print(table_speedup(res, args.dataset, ipc), '\n')
        for score in ('own', 'common', 'lrs', 'ars'): print(f"ipc {ipc}, ranking by {score}:", table_ranking(res, args.dataset, ipc, score))
    rows = tuple(r for r in TABLE_ROWS if r in args.rows)
    figure3(res, args.dataset, cfg['ipcs'], out.parent/f'figure3_table_{args.dataset}.png', methods=rows, by='row')
    figure4(res, args.dataset, cfg['ipcs'], out.parent/f'figure4_table_{args.dataset}.png', methods=rows, by='row')
    per_row = {}
    for r in res['runs'].values():
        if r['dataset'] == args.dataset: per_row[r['row']] = per_row.get(r['row'], 0) + r['wall_seconds']
    print('run time per row, all its runs together:', ', '.join(f"{k} {v / 60:.1f} min" for k, v in per_row.items()))
    print(f"done in {wall / 60:.1f} min of wall time ({args.workers} worker(s)); results in {out}")

if __name__ == '__main__':
    try: main()
    except KeyboardInterrupt:   # Ctrl-C: every finished run is saved already
        print("\nrun_table: interrupted; every finished run is saved in the results file: rerun the same command to continue.", file=sys.stderr)
        sys.exit(130)
