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

--estimate times one step of each phase at each ipc (an iteration of each method, a short training of each set size, an
epoch over the training data) and prints the extrapolated wall time of what the command has left to run (runs already in the
results file are not counted), in under a minute.
"""
import argparse, atexit, contextlib, shutil, sys, tempfile, time
from pathlib import Path
import torch
from mas_nbdev.table import table_experiment, reference_key, TABLE_ROWS, TABLE_FRACTIONS
from mas_nbdev.figures import results_table, table_ranking, table_speedup, figure3, figure4

DATASETS = {   # dataset -> the command's defaults for it
    'digits': dict(results='nbs/figures/table_digits.json', ipcs=[1, 2], seeds={1: [0, 1, 2, 3, 4], 2: [0, 1, 2, 3, 4]}, overrides={},
                   grids=('digits_results.json', 'baselines_grid.json', 'tm_grid.json'), fractions=TABLE_FRACTIONS, common_once=False, pools=None),
    'fashion_mnist': dict(results='nbs/figures/table_fashion_mnist.json', ipcs=[1, 10], seeds={1: [0, 1, 2, 3, 4], 10: [0, 1, 2]},
                          overrides={'preset': 'cpu'}, grids=('fashion_grid.json',), fractions=(0.25, 0.5, 1.0), common_once=True,
                          pools='runs/pools/fashion_mnist'),
}

def estimate(dataset:str, cfg:dict, rows:list, eval_epochs:int, full_epochs:int, workers:int, results:Path, experts:Path):
    """The wall time of what the command has left to run (runs already in `results` are not counted), from one timed step of each
    phase: an outer iteration of each method at each ipc, a short training of each set size, an epoch over the training data."""
    import warnings; warnings.filterwarnings('ignore')
    from unittest import mock
    import mas_nbdev.baselines, mas_nbdev.cafe, mas_nbdev.condense, mas_nbdev.matching
    from mas_nbdev.datasets import get_dataset
    from mas_nbdev.data import class_subset
    from mas_nbdev.presets import condense_settings
    from mas_nbdev.condense import condense
    from mas_nbdev.evaluate import evaluate_protocol, random_subset
    from mas_nbdev.experiments import load_results
    from mas_nbdev.models import spec_from_settings
    from mas_nbdev.synthetic import decoded_per_class
    t_start = time.perf_counter()
    done = load_results(results)
    ran = lambda ipc, row, sd: f"{dataset}/ipc{ipc}/{row}/seed{sd}" in done.get('runs', {})   # table_experiment's run keys
    train, test = get_dataset(dataset)
    kw = cfg['overrides']
    s0 = condense_settings(dataset, 1, 'mas', **kw)
    data = class_subset(train, s0['per_class'], s0['subset_seed']) if s0.get('per_class') else train
    spec, k, n_val = spec_from_settings(data, s0), train.num_classes, round(0.2 * len(data))
    few = random_subset(test, max(1, 1000 // k), 0)   # the timings' test set: 1000 images; the full test pass is timed once
    def timed(per_class, epochs, on=few):   # one 'common' evaluation of a set of per_class images per class, of `epochs` epochs
        sub = random_subset(data, per_class, 0)
        t = time.perf_counter(); evaluate_protocol(sub.images, sub.labels, on, 'common', lr=0.01, epochs=epochs, repeats=1, spec=spec, device='cpu', checkpoints=0)
        return time.perf_counter() - t
    sizes = {}
    def epoch_seconds(per_class):   # seconds of one training epoch of a set of per_class images per class, from two short trainings
        if per_class not in sizes:
            more = max(2, min(40, 2000 // (per_class * k)))   # enough epochs that a small set's difference is not lost in the noise
            sizes[per_class] = max(timed(per_class, 1 + more) - timed(per_class, 1), 0.) / more
        return sizes[per_class]
    test_pass = max(timed(1, 1, test) - timed(1, 1), 0.) * len(test) / (len(test) - len(few))   # a pass over the whole test set
    eval_seconds = lambda per_class: epoch_seconds(per_class) * eval_epochs + test_pass   # one evaluation and its test pass
    val_seconds = lambda per_class: epoch_seconds(per_class) * eval_epochs + test_pass * n_val / len(test)   # one on the validation split
    steps, tmp = {}, tempfile.mkdtemp(prefix='run_table_estimate_')
    atexit.register(shutil.rmtree, tmp, True)   # the small expert buffer and pool go, however the estimate ends
    no_count = lambda fn: (fn(), 0)   # FLOPs are not needed here, and counting them slows the one step timed (by half, DC's at ipc 10)
    def step_seconds(ipc, method, s):   # one outer iteration of `method` at `ipc`, timed once (MAS's two rows share it)
        if (ipc, method) not in steps:
            small = (dict(inner_loop=1) if method == 'idc' else dict(inner_loop=1, pool_size=1, pool_epochs=1) if method == 'mas' else   # one inner step; a one-network, one-epoch pool
                     dict(n_experts=1, max_start_epoch=1, buffer_epochs=1 + s['expert_epochs'], experts=f'{tmp}/experts', per_class=10) if method == 'tm' else {})   # a one-expert buffer,
            # trained on 10 images per class: TM's outer iteration trains the student on the synthetic images alone, so the expert's data does not change its time
            with contextlib.ExitStack() as stack:
                for m in (mas_nbdev.baselines, mas_nbdev.cafe, mas_nbdev.condense, mas_nbdev.matching): stack.enter_context(mock.patch.object(m, 'flops_of', no_count))
                syn = condense((train, few), ipc, method, iterations=1, progress=False, device='cpu', **kw, **small)
            steps[ipc, method] = syn.history[0]['seconds'] * (s['inner_loop'] if method in ('idc', 'mas') else 1)
        return steps[ipc, method]
    total, lines, n_left, n_done = 0., [], 0, 0
    for ipc in cfg['ipcs']:
        seeds = cfg['seeds'][ipc]
        for row in rows:
            todo = [sd for sd in seeds if not ran(ipc, row, sd)]
            n_left += len(todo); n_done += len(seeds) - len(todo)
            if not todo: lines.append(f"  ipc {ipc:2d} {row:8s} done ({len(seeds)} seeds)"); continue
            method, fewer = TABLE_ROWS[row]
            s = condense_settings(dataset, ipc, method, **kw)
            n = decoded_per_class(ipc, s.get('factor', 1)) if method in ('idc', 'mas') else ipc
            its = 0 if fewer == 0 else max(1, condense_settings(dataset, ipc, 'idc', **kw)['iterations'] // fewer) if fewer else s['iterations']
            step = step_seconds(ipc, method, s) if its else 0.
            n_own = len({max(1, round(f * its)) for f in cfg['fractions']}) if its else 1
            per_run = its * step + (n_own + 2) * eval_seconds(n)
            chosen = len(todo) < len(seeds) and cfg['common_once']   # 'common''s lr is chosen by the row's first run
            row_total = per_run * len(todo) + 5 * val_seconds(n) * (0 if chosen else 1 if cfg['common_once'] else len(todo))
            total += row_total
            lines.append(f"  ipc {ipc:2d} {row:8s} {its:4d} iterations x {step:5.1f} s + {n_own + 2} evaluations x {eval_seconds(n):5.1f} s, "
                         f"x {len(todo)} seed(s) of {len(seeds)}: {row_total / 60:5.1f} min")
    per = len(data) // k   # one epoch over the training data (a pool member's or an expert's, about): from 100 images per class, scaled (batches of 256)
    epoch = epoch_seconds(min(per, 100)) * per / min(per, 100)
    pool, tm = condense_settings(dataset, 1, 'mas', **kw), condense_settings(dataset, 1, 'tm', **kw)
    pool_dir = Path(cfg['pools'] or tmp)
    mas_seeds = {sd for ipc in cfg['ipcs'] for sd in cfg['seeds'][ipc] for row in rows if TABLE_ROWS[row][0] == 'mas' and not ran(ipc, row, sd)}
    setups = pool['pool_size'] * pool['pool_epochs'] * epoch * sum(not any(pool_dir.glob(f'*_seed{sd}.pt')) for sd in mas_seeds)
    if 'tm' in rows and len(list(Path(experts).rglob('expert_*.pt'))) < tm['n_experts']: setups += tm['n_experts'] * tm['buffer_epochs'] * epoch
    refs = sum((2 * eval_seconds(ipc) + (0 if cfg['common_once'] else 5 * val_seconds(ipc))) * sum(reference_key(dataset, ipc, sd) not in done.get('reference', {}) for sd in cfg['seeds'][ipc])
               for ipc in cfg['ipcs']) + (0 if reference_key(dataset, None, 0) in done.get('reference', {}) else (full_epochs * epoch + test_pass) * 6)
    total += setups + refs
    print('\n'.join(lines))
    print(f"  setups (MAS's pools, TM's experts) {setups / 60:.1f} min; random real images and the full training set {refs / 60:.1f} min")
    print(f"estimate: {n_left} runs left ({n_done} done in {results}), {total / 60:.0f} min of runs; about {total / 60 / workers:.0f} min "
          f"of wall time with {workers} workers (timed in {time.perf_counter() - t_start:.0f} s)")

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
    out = Path(args.results or cfg['results'])
    experts = args.experts or f'runs/experts/{args.dataset}'
    if args.estimate: return estimate(args.dataset, cfg, args.rows, args.eval_epochs, args.full_epochs, args.workers, out, experts)
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = table_experiment(out, args.dataset, cfg['ipcs'], args.rows, cfg['seeds'], eval_epochs=args.eval_epochs, full_epochs=args.full_epochs,
                           lr_grid=tuple(args.common_lrs), common_once=cfg['common_once'], fractions=cfg['fractions'], grids=cfg['grids'],
                           experts=experts, pools=cfg['pools'], workers=args.workers,
                           device='cpu', **cfg['overrides'])
    wall = time.perf_counter() - t0
    shown = sorted({r['ipc'] for r in res['runs'].values() if r['dataset'] == args.dataset})   # every ipc in the file, not only those run now
    for ipc in shown:
        print(results_table(res, args.dataset, ipc), '\n')
        print(table_speedup(res, args.dataset, ipc), '\n')
        for score in ('own', 'common', 'lrs', 'ars'): print(f"ipc {ipc}, ranking by {score}:", table_ranking(res, args.dataset, ipc, score))
    rows = tuple(r for r in TABLE_ROWS if r in args.rows)
    figure3(res, args.dataset, shown, out.parent/f'figure3_table_{args.dataset}.png', methods=rows, by='row')
    figure4(res, args.dataset, shown, out.parent/f'figure4_table_{args.dataset}.png', methods=rows, by='row')
    per_row = {}
    for r in res['runs'].values():
        if r['dataset'] == args.dataset: per_row[r['row']] = per_row.get(r['row'], 0) + r['wall_seconds']
    print('run time per row, all its runs together:', ', '.join(f"{k} {v / 60:.1f} min" for k, v in per_row.items()))
    print(f"done in {wall / 60:.1f} min of wall time ({args.workers} worker(s)); results in {out}")

if __name__ == '__main__':
    try: main()
    except KeyboardInterrupt:   # Ctrl-C: every finished run is saved already
        print("\nrun_table: interrupted; every finished run is saved in the results file, with its scores: rerun the same command to continue.", file=sys.stderr)
        sys.exit(130)
