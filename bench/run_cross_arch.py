"""The cross-architecture table: every row of the regenerated table (IDC, MAS at 5x and 10x fewer iterations, DC, DSA, DM, TM,
CAFE), the initial images and random real images of equal storage, condensed with ConvNet-3 (width 32, instance norm) and
trained on other networks under 'common'. On the digits (the default) and on Fashion-MNIST (the table's 500 training images
per class, its CPU presets and its lr_img grids, `--dataset fashion_mnist`).

    python bench/run_cross_arch.py [--dataset digits] [--seeds 0 1 2] [--workers 2]    # nbs/figures/cross_arch_<dataset>.json
    python bench/run_cross_arch.py --dataset fashion_mnist --estimate    # times each network, extrapolates the full command

The runs are table_experiment's (nbs/15b_table.ipynb) with archs=: each method condensed as in the table (its preset, its
lr_img from the committed validation grids), at 1 image per class, 3 seeds. Every set, the initial images (row init:
IDC's multi-formation of real images) and the random real images (1 per class, drawn with the seed) are evaluated under
'common' (batch 256, x0.1 at half way, one DSA op per batch, 300 epochs, one network) on the condensation network and on
each of --archs; each network's learning rate is chosen on a validation split of the training data from DD-Ranking's
{0.001, 0.005, 0.01, 0.05, 0.1} for the first seed of each row, and reused for the other seeds (common_once), and recorded.
The own-protocol evaluation is made once, at the end of each run (--fractions 1.0), not at 20% and 50% as for Figure 3.
Fashion-MNIST's runs reuse the table's MAS pools and TM expert buffer (runs/pools/fashion_mnist, runs/experts/fashion_mnist)
when they are there, and build them otherwise.

Why these networks: on this 2-core CPU an evaluation of 300 epochs costs, per set of 10 (40) digits, about 2.5 (5.5) s
on ConvNet-3 width 32 and its BN, no-norm and depth variants, 1 (1) s on the MLP, 1.5 (1.5) s on LeNet, but 25 (85) s on
AlexNet, 43 (80) s on VGG-11 and 100 (280) s on ResNet-18 (bench/bench_archs.py): with 10 rows x 3 seeds and a learning
rate chosen per network, AlexNet alone would take over an hour. So the table has five networks besides the condensation
network that fit the budget: ConvNet-3 with batch norm, ConvNet-3 without norm, ConvNet-2, MLP and LeNet; the larger ones
run with `mas_evaluate --arch` or with --archs on a GPU.

Everything is saved as it finishes: rerun the same command to continue.
"""
import argparse, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mas_nbdev.table import table_experiment, cross_arch_table, reference_key, TABLE_ROWS
from mas_nbdev.experiments import load_results, write_results, committed_results
from mas_nbdev.evaluate import COMMON_LR_GRID
from run_table import DATASETS

ARCHS = ('convnet_bn', 'convnet_nn', 'convnet_d2', 'mlp', 'lenet')
ROWS = ('idc', 'mas_5x', 'mas_10x', 'dc', 'dsa', 'dm', 'tm', 'cafe', 'init')

def estimate(dataset, archs, seeds, epochs, workers):
    "Condensation and ConvNet evaluations from the committed table's runs at ipc 1; each network's evaluations from one timed epoch and a test pass."
    from bench_archs import epoch_seconds, shapes
    from mas_nbdev.archs import arch_spec
    from mas_nbdev.models import make_net
    from types import SimpleNamespace
    tab = load_results(committed_results(f'table_{dataset}.json'))
    runs = [r for r in tab['runs'].values() if r['ipc'] == 1]
    per_row = {row: sum(r['wall_seconds'] for r in runs if r['row'] == row) / max(1, sum(r['row'] == row for r in runs)) for row in ROWS}
    per_row['init'] = per_row['idc'] - sum(r['seconds'] for r in runs if r['row'] == 'idc') / max(1, sum(r['row'] == 'idc' for r in runs))   # no iterations
    if dataset == 'digits':
        sets = {len(x): (base, x, y, m, s) for name, base, x, y, m, s in shapes() if name.startswith('digits')}
        shape, n_test = (1, 16, 16), 360
    else:   # Fashion-MNIST: random pixels of its shape (the cost does not depend on them), the table's ConvNet-3 of width 32
        from mas_nbdev.models import net_spec
        shape, n_test, g = (1, 28, 28), 10000, torch.Generator().manual_seed(0)
        base = net_spec(SimpleNamespace(channels=1, num_classes=10, im_size=(28, 28)), width=32)
        sets = {10 * n: (base, torch.rand(10 * n, *shape, generator=g), torch.arange(10).repeat_interleave(n), (0.286,), (0.353,)) for n in (1, 4)}
    cost = {}
    for a in archs:
        for n, (base, x, y, m, s) in sets.items():
            spec = arch_spec(SimpleNamespace(channels=shape[0], num_classes=10, im_size=shape[1:]), a, base)
            net, t = make_net(spec).eval(), time.process_time()
            with torch.no_grad(): net(torch.rand(n_test, *shape))
            test = (time.process_time() - t) * 2   # the test set and the validation split
            cost[a, n] = epoch_seconds(spec, x, y, m, s, epochs=1) * epochs + test
            print(f"  {a:12s} {n:3d} images: {cost[a, n]:6.1f} s per 300-epoch evaluation", flush=True)
    n_of = lambda row: 40 if row in ('idc', 'mas_5x', 'mas_10x', 'init') else 10
    choose = len(COMMON_LR_GRID) + 1   # the first seed: the grid on validation, then the test run
    archs_s = sum(cost[a, n_of(row)] * (choose + len(seeds) - 1) for a in archs for row in (*ROWS, 'random'))
    runs_s = sum(per_row.values()) * len(seeds)
    total = runs_s + archs_s + 100   # + the full training set's reference, once
    print(f"runs as in the table (condensation, own and 'common' evaluations; the table's file counts its evaluations at 25 and 50% too, so this is high): {runs_s / 60:.0f} min; the other networks: {archs_s / 60:.0f} min")
    print(f"estimate: {total / 60:.0f} min of runs in all; about {total / 60 / workers:.0f} min of wall time with {workers} workers on an idle machine")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='digits', choices=list(DATASETS))
    p.add_argument('--results', help='the results file (default: nbs/figures/cross_arch_<dataset>.json)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--archs', nargs='+', default=list(ARCHS), help='evaluation networks besides the condensation network (arch_spec names)')
    p.add_argument('--rows', nargs='+', default=list(ROWS))
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--eval-epochs', type=int, default=300)
    p.add_argument('--runs', help="folder of TM's expert buffer and MAS's pools, shared by the runs (default: the digits' runs/cross_arch; Fashion-MNIST's: the table's, runs/)")
    p.add_argument('--estimate', action='store_true', help='time each network, extrapolate the full command, run nothing')
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.estimate: return estimate(a.dataset, a.archs, a.seeds, a.eval_epochs, a.workers)
    cfg, digits = DATASETS[a.dataset], a.dataset == 'digits'
    a.results = a.results or f'nbs/figures/cross_arch_{a.dataset}.json'
    runs = Path(a.runs or ('runs/cross_arch' if digits else 'runs'))
    experts, pools = (runs/'experts', runs/'pools') if digits else (runs/'experts'/a.dataset, runs/'pools'/a.dataset)
    full = reference_key(a.dataset, None, 0)   # the ceiling LRS needs (the whole subset under 'common', 30 epochs): Fashion-MNIST's is the table's, made with the same settings
    if not digits and full not in load_results(a.results).get('reference', {}):
        tab = load_results(committed_results(f'table_{a.dataset}.json'))['reference']
        if full in tab: write_results({'runs': {}, 'reference': {full: tab[full]}}, a.results)
    t0 = time.perf_counter()
    res = table_experiment(a.results, a.dataset, (1,), tuple(a.rows), tuple(a.seeds), eval_epochs=a.eval_epochs, full_epochs=30,
                           common_once=True, fractions=(1.0,), archs=tuple(a.archs), experts=experts, pools=pools, grids=cfg['grids'],
                           workers=a.workers, device='cpu', **cfg['overrides'])
    wall = time.perf_counter() - t0
    res = load_results(a.results)
    res.setdefault('cross_arch', {}).update(command=' '.join(['python bench/run_cross_arch.py', *sys.argv[1:]]), workers=a.workers,
                                            wall_minutes=round(wall / 60, 1) if wall > 60 else res.get('cross_arch', {}).get('wall_minutes'))
    write_results(res, a.results)
    print(cross_arch_table(res, a.dataset))
    secs = {}
    for r in [*res['runs'].values(), *res['reference'].values()]:
        for n, e in r.get('archs', {}).items(): secs[n] = secs.get(n, 0) + e['seconds']
    print('seconds of evaluation per network, all sets together:', ', '.join(f"{n} {s:.0f} s" for n, s in secs.items()))
    print(f"done in {wall / 60:.1f} min of wall time ({a.workers} worker(s)); results in {a.results}")

if __name__ == '__main__': main()
