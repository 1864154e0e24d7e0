"""Fingerprints of every method's run on the digits, for proving that a refactoring changed no behaviour.

Runs MAS, IDC, DC, DSA, DM, TM and CAFE for a few iterations each (CPU, one thread, fixed seeds) through the public
`condense`, and writes for each run the SHA-256 of the learned images, every history record's loss and FLOPs, the setup
FLOPs, the settings and a short evaluation's accuracy. Run it on two checkouts and compare the two files:

    OMP_NUM_THREADS=1 python bench/identity.py --out before.json     # on the old commit
    OMP_NUM_THREADS=1 python bench/identity.py --out after.json      # on the new one
    python bench/identity.py --compare before.json after.json

Everything except wall-clock seconds must be equal, bit for bit (floats are compared by their exact repr).
"""
import argparse, hashlib, json, sys, tempfile, time
from pathlib import Path

RUNS = [   # (method, ipc, iterations, extra settings): a few iterations of each, every loop and image space
    ('mas', 1, 3, {}), ('mas', 2, 2, {}), ('idc', 1, 3, {}), ('dc', 1, 3, {}), ('dsa', 2, 2, {}), ('dm', 1, 5, {}),
    ('tm', 1, 5, dict(n_experts=2, buffer_epochs=3, max_start_epoch=2)), ('cafe', 1, 2, {}),
]
_SECONDS = ('seconds', 'pool_seconds', 'seconds_comm', 'seconds_match', 'seconds_net', 'time', 'elapsed')   # wall-clock fields: the only ones allowed to differ


def _plain(v):
    "JSON-able, floats by exact repr."
    import torch
    if isinstance(v, float): return repr(v)
    if isinstance(v, torch.Tensor): return hashlib.sha256(v.detach().cpu().contiguous().numpy().tobytes()).hexdigest()
    if isinstance(v, dict): return {str(k): _plain(x) for k, x in v.items() if k not in _SECONDS}
    if isinstance(v, (list, tuple)): return [_plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, str)): return v
    return repr(v)


def fingerprint(method, ipc, iterations, extra, folder):
    import torch
    from mas_nbdev.condense import condense
    torch.set_num_threads(1)
    t = time.time()
    syn = condense('digits', ipc=ipc, method=method, iterations=iterations, seed=3, device='cpu', progress=False,
                   eval_at=(iterations,), eval_epochs=4, eval_repeats=1, checkpoint=Path(folder) / f'{method}{ipc}.pt',
                   **({'experts': Path(folder) / 'experts'} if method == 'tm' else {}), **extra)
    return dict(images=_plain(syn.images), labels=_plain(syn.labels), space=syn.space, iteration=syn.iteration,
                history=_plain(syn.history), settings=_plain(syn.settings), seconds=round(time.time() - t, 1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', help='write the fingerprints here (JSON)')
    p.add_argument('--compare', nargs=2, metavar=('BEFORE', 'AFTER'), help='compare two files written by --out')
    a = p.parse_args()
    if a.compare:
        before, after = (json.loads(Path(f).read_text()) for f in a.compare)
        bad = 0
        print(f"{'run':10} {'images':8} {'losses':8} {'FLOPs':8} {'settings':9} {'accuracy':9} {'s before':>9} {'s after':>8}")
        for k in before:
            b, c = before[k], after.get(k)
            if c is None: print(f"{k:10} missing after"); bad += 1; continue
            same = lambda f: 'equal' if f(b) == f(c) else 'DIFFER'
            cols = [same(lambda r: (r['images'], r['labels'], r['space'])), same(lambda r: [h.get('loss') for h in r['history']]),
                    same(lambda r: ([h.get('flops') for h in r['history']], r['settings'].get('pool_flops'))),
                    same(lambda r: {k: v for k, v in r['settings'].items() if k != 'pool_flops'}),
                    same(lambda r: [h.get('acc') for h in r['history']])]
            whole = same(lambda r: {k: v for k, v in r.items() if k != 'seconds'})
            bad += whole != 'equal'
            print(f"{k:10} {cols[0]:8} {cols[1]:8} {cols[2]:8} {cols[3]:9} {cols[4]:9} {b['seconds']:9} {c['seconds']:8}"
                  + ('' if whole == 'equal' else '  (some field differs)'))
        print('bit-identical' if not bad else f'{bad} run(s) differ')
        sys.exit(1 if bad else 0)
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for method, ipc, its, extra in RUNS:
            out[f'{method}/ipc{ipc}'] = fingerprint(method, ipc, its, extra, d)
            print(f"{method} ipc {ipc}: {out[f'{method}/ipc{ipc}']['seconds']} s", flush=True)
    Path(a.out).write_text(json.dumps(out, indent=1))


if __name__ == '__main__': main()
