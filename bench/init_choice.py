"""Which real images should start a synthetic set? The `mix` initialisation measured on the digits and on held-out data.

Variants (`init_pick`, `init_resize`):
  authors  = first + nearest    (the authors' code: the first ipc*f^2 images of each class in dataset order, nearest neighbour)
  ours     = random + antialias (the library's earlier default)
  first_aa = first + antialias, random_nn = random + nearest (which of the two choices matters)
  herding  = herding + nearest  (a principled choice: greedy herding in an early-stage network's feature space)

Digits, ipc 1, 5 seeds: every variant at 0 iterations (the initial set alone; IDC settings, no pool needed); authors, ours and herding after 10 and 20 outer iterations of
MAS and IDC (each at the image learning rate its validation grid chose, nbs/figures/digits_results.json). Held-out check:
the rendered letters of 10_presets (the `custom` preset, 3 seeds) at 0 and 10 iterations of MAS, authors against ours.
Every set is evaluated by the run's protocol with 300-epoch evaluations, one network per set (seed = the run's seed).
Results go to nbs/figures/init_choice.json (finished runs are kept: rerunning resumes); the tables are printed.

    OMP_NUM_THREADS=1 python bench/init_choice.py     # about an hour on one core of this 2-core CPU
"""
import argparse, json, time, statistics
from pathlib import Path
import torch
from mas_nbdev.condense import condense
from mas_nbdev.data import digits_data, from_tensors
from mas_nbdev.evaluate import evaluate
from mas_nbdev.presets import eval_settings
from mas_nbdev.models import net_spec

VARIANTS = {'authors': ('first', 'nearest'), 'ours': ('random', 'antialias'), 'first_aa': ('first', 'antialias'),
            'random_nn': ('random', 'nearest'), 'herding': ('herding', 'nearest')}
ITERATED = ('authors', 'ours', 'herding')
EVAL = dict(eval_epochs=300, eval_repeats=1)

def font_letters():
    "The held-out letters of nbs/10_presets.ipynb (the function is defined in that notebook, not in the library)."
    from execnb.nbio import read_nb
    cell = next(c for c in read_nb(Path(__file__).parents[1]/'nbs'/'10_presets.ipynb').cells if c.source.startswith('def font_letters'))
    ns = {}; exec('import numpy as np, torch\nfrom pathlib import Path\n' + cell.source, ns)
    return ns['font_letters']()

def accuracy(syn, test, seed:int)->float:
    "The set's accuracy under its run's protocol, one 300-epoch evaluation."
    kw = eval_settings(syn.settings); kw.pop('repeats')
    spec = net_spec(test, width=syn.settings['width'], depth=syn.settings['depth'])
    return evaluate(*syn.decode(), test, **kw, repeats=1, spec=spec, device='cpu', seed=seed).accs[0]

def run(key, data, method, variant, iterations, seed, lr, res, out):
    "One run (or the finished one in `res`): accuracy at 0 iterations, or at 10 and 20."
    if key in res: return res[key]
    pick, resize = VARIANTS[variant]
    t0 = time.perf_counter()
    kw = dict(init_pick=pick, init_resize=resize, seed=seed, progress=False, device='cpu', **EVAL, **({'lr_img': lr} if lr else {}))
    if iterations == 0:
        syn = condense(data, ipc=1, method=method, iterations=0, **kw)
        rec = {0: accuracy(syn, data[1], seed)}
    else:
        syn = condense(data, ipc=1, method=method, iterations=iterations, eval_at=(10, iterations), **kw)
        rec = {h['iteration']: h['acc'] for h in syn.history if 'acc' in h}
    res[key] = dict(acc={str(k): v for k, v in rec.items()}, seconds=time.perf_counter() - t0, lr_img=syn.settings['lr_img'])
    out.write_text(json.dumps(res, indent=1) + '\n')
    print(key, res[key], flush=True)
    return res[key]

def table(res, prefix, variants, methods, points, seeds):
    rows = [f"| {prefix} | " + ' | '.join(f"{m} @ {p}" for m in methods for p in points) + ' |', '|---' * (1 + len(methods) * len(points)) + '|']
    for v in variants:
        cells = []
        for m in methods:
            for p in points:
                a = [res[k]['acc'][str(p)] for s in seeds if (k := f"{prefix}/{m}/{v}/{'0' if p == 0 else 'it'}/seed{s}") in res]
                cells.append(f"{statistics.mean(a):.1f} ± {statistics.pstdev(a):.1f} (n {len(a)})" if a else '-')
        rows.append(f"| {v} | " + ' | '.join(cells) + ' |')
    return '\n'.join(rows)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='nbs/figures/init_choice.json')
    p.add_argument('--seeds', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(1)
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else {}
    grid = json.loads((Path(__file__).parents[1]/'nbs'/'figures'/'digits_results.json').read_text())['runs']
    lrs = {m: grid[f'digits/ipc1/{m}/seed0']['lr_img'] for m in ('idc', 'mas')}
    digits, seeds, t0 = digits_data(), range(a.seeds), time.time()
    for seed in seeds:   # seed by seed, so that a run cut short has whole seeds
        for v in VARIANTS: run(f"digits/idc/{v}/0/seed{seed}", digits, "idc", v, 0, seed, lrs["idc"], res, out)   # no pool needed at 0 iterations
        for m in ('mas', 'idc'):
            for v in ITERATED: run(f"digits/{m}/{v}/it/seed{seed}", digits, m, v, 20, seed, lrs[m], res, out)
    (xtr, ytr), (xte, yte) = font_letters()
    let_train = from_tensors(xtr, ytr); letters = (let_train, from_tensors(xte, yte, mean=let_train.mean, std=let_train.std))
    for seed in range(3):
        for v in ('authors', 'ours'):
            run(f"letters/idc/{v}/0/seed{seed}", letters, "idc", v, 0, seed, None, res, out)
            run(f"letters/mas/{v}/it/seed{seed}", letters, 'mas', v, 10, seed, None, res, out)
    print(table(res, 'digits', VARIANTS, ('idc',), (0,), seeds))
    print(table(res, 'digits', ITERATED, ('mas', 'idc'), (10, 20), seeds))
    print(table(res, 'letters', ('authors', 'ours'), ('idc',), (0,), range(3)))
    print(table(res, 'letters', ('authors', 'ours'), ('mas',), (10,), range(3)))
    print(f"{time.time() - t0:.0f} s in all")
