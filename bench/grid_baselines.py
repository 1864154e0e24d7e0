"""The digits presets of DC, DSA, DM, TM and CAFE: each method's image learning rate chosen on a validation split of the
digits' training data (the test set is never used), at the preset's iterations, ipc 1 and 2, one seed, 300-epoch evaluations,
as the IDC and MAS digits presets were chosen (`lr_grid`, nbs/16_figures.ipynb). Writes nbs/figures/baselines_grid.json
(finished runs are kept: rerunning resumes) and prints the table that 10_presets quotes.

    python bench/grid_baselines.py --methods dc dsa dm cafe   # about 25 minutes on a 2-core CPU (DC, DSA, DM: 1046 + 206 + 57 s here, while tests ran; CAFE a few minutes)
    python bench/grid_baselines.py --methods tm --out nbs/figures/tm_grid.json   # about 13 minutes (its own file: TM came later)
"""
import argparse, time
from mas_nbdev.experiments import lr_grid
from mas_nbdev.figures import grid_table

GRIDS = {'dc': (0.03, 0.1, 0.3), 'dsa': (0.03, 0.1, 0.3), 'dm': (0.3, 1.0, 3.0),   # around each method's published lr_img
         'cafe': (0.03, 0.1, 0.3, 1.0), 'tm': (1.0, 10.0, 100.0, 1000.0)}
EDGES = {(1, 'dc'): (1.0, 3.0, 10.0), (1, 'dsa'): (), (1, 'dm'): (10.0,), (2, 'dc'): (0.01, 1.0, 3.0), (2, 'dsa'): (0.01,), (2, 'dm'): (0.1, 0.03),
         (1, 'cafe'): (0.01,), (2, 'cafe'): ()}
# steps further where the first grid's best value lay on its edge, until it lay inside
EXTRA = {'tm': dict(experts='bench/.grid_experts')}   # TM: one expert buffer (of the training data less the validation split) for every grid run

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='nbs/figures/baselines_grid.json')
    p.add_argument('--workers', type=int, default=1)
    p.add_argument('--methods', nargs='+', default=list(GRIDS), help='grid these methods only (the table shows them)')
    a = p.parse_args()
    t0 = time.time()
    for method, lrs in GRIDS.items():
        if method not in a.methods: continue
        res = lr_grid(a.out, 'digits', (1, 2), (method,), lrs, seeds=(0,), eval_epochs=300, workers=a.workers, device='cpu', **EXTRA.get(method, {}))
    for (ipc, method), lrs in EDGES.items():
        if lrs and method in a.methods: res = lr_grid(a.out, 'digits', (ipc,), (method,), lrs, seeds=(0,), eval_epochs=300, workers=a.workers, device='cpu', **EXTRA.get(method, {}))
    print(grid_table(res, 'digits', (1, 2), tuple(m for m in GRIDS if m in a.methods)))
    print(f"{time.time() - t0:.0f} s in all")
