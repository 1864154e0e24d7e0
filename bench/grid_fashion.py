"""The Fashion-MNIST CPU presets of every method: each method's image learning rate chosen on a validation split carved from
the preset's training subset (500 images per class; the test set is never used), at the preset's iterations (MAS at its 5x
budget), ipc 1 and 10, one seed, 300-epoch evaluations, as the digits presets were chosen (`lr_grid`, nbs/15a_experiments.ipynb).
Writes nbs/figures/fashion_grid.json (finished runs are kept: rerunning resumes) and prints the table that 10_presets quotes.

    OMP_NUM_THREADS=1 python bench/grid_fashion.py --workers 2                 # every method
    OMP_NUM_THREADS=1 python bench/grid_fashion.py --methods dm --workers 2    # one method (its grid and the edges below)

Needs Fashion-MNIST's files (`apt-get install dataset-fashion-mnist`, or `get_dataset('fashion_mnist', download=True)` once).
"""
import argparse, time
from mas_nbdev.experiments import lr_grid
from mas_nbdev.figures import grid_table

GRIDS = {'idc': (1e-3, 3e-3, 1e-2), 'mas': (1e-3, 3e-3, 1e-2), 'dc': (0.03, 0.1, 0.3, 1.0), 'dsa': (0.03, 0.1, 0.3),
         'cafe': (0.03, 0.1, 0.3), 'tm': (10.0, 100.0, 1000.0), 'dm': (0.3, 1.0, 3.0, 10.0)}   # around each method's published value
EDGES = {(1, 'idc'): (3e-4,), (1, 'mas'): (3e-4,),   # (ipc, method) -> more values, where the first grid's best lay on its edge:
         (1, 'dc'): (3.0,), (1, 'dsa'): (1.0, 3.0), (1, 'cafe'): (0.01,), (10, 'idc'): (0.03,),
         (10, 'mas'): (0.03,), (10, 'dc'): (3.0, 10.0, 30.0), (10, 'dsa'): (1.0, 3.0, 10.0),
         (10, 'cafe'): (1.0, 3.0, 10.0), (10, 'dm'): (30.0, 100.0)}   # IDC and MAS were first tried at 3e-4 to 3e-3
EXTRA = {'tm': dict(experts='bench/.grid_experts_fashion')}   # TM: one expert buffer (of the subset less the validation split) for its grid runs

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='nbs/figures/fashion_grid.json')
    p.add_argument('--workers', type=int, default=1)
    p.add_argument('--methods', nargs='+', default=list(GRIDS), help='grid these methods only')
    p.add_argument('--ipcs', type=int, nargs='+', default=[1, 10])
    a = p.parse_args()
    t0 = time.time()
    for ipc in a.ipcs:
        for method, lrs in GRIDS.items():
            if method not in a.methods: continue
            res = lr_grid(a.out, 'fashion_mnist', (ipc,), (method,), lrs, seeds=(0,), eval_epochs=300, workers=a.workers, device='cpu',
                          preset='cpu', **EXTRA.get(method, {}))
    for (ipc, method), lrs in EDGES.items():
        if method in a.methods and ipc in a.ipcs: res = lr_grid(a.out, 'fashion_mnist', (ipc,), (method,), lrs, seeds=(0,), eval_epochs=300, workers=a.workers,
                                              device='cpu', preset='cpu', **EXTRA.get(method, {}))
    print(grid_table(res, 'fashion_mnist', tuple(a.ipcs), tuple(m for m in GRIDS if m in a.methods)))
    print(f"{time.time() - t0:.0f} s in all")
