"""Run a notebook as `nbdev_test` does (cells flagged with settings.ini's `tst_flags` skipped) and save the outputs of chosen
cells into it, as Jupyter would: the docs show saved outputs, and a new page or a changed cell needs them.

    python tools/save_outputs.py nbs/18_smoke.ipynb --all          # every cell that ran and is shown on the page
    python tools/save_outputs.py nbs/14_evaluate.ipynb 1a2b3c4d    # only these cells (by id)

Then run `nbdev_clean`. Outputs that print machine-dependent figures (timings) are what this machine printed.
"""
import argparse, configparser, json, os, sys
from pathlib import Path
from execnb.shell import CaptureShell
from nbdev.process import NBProcessor
from nbdev.frontmatter import FrontmatterProc

ROOT = Path(__file__).resolve().parents[1]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebook'); p.add_argument('ids', nargs='*'); p.add_argument('--all', action='store_true')
    a = p.parse_args()
    if not a.all and not a.ids: p.error('name the cells by id, or pass --all')
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    flags = set(cfg['DEFAULT'].get('tst_flags', '').split())
    fn = Path(a.notebook).resolve()
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    def skip(cell):
        if cell.cell_type != 'code': return True
        return bool(flags & (getattr(cell, 'directives_', {}) or {}).keys())
    for c in nb.cells:   # execnb keeps a cell's old outputs when the cell prints nothing now: start from none
        if c.cell_type == 'code': c.outputs = []
    sys.path.insert(0, str(ROOT)); os.environ['IN_TEST'] = '1'
    k, cwd = CaptureShell(fn), os.getcwd()
    os.chdir(fn.parent)
    try: k.run_all(nb, exc_stop=True, preproc=skip)
    finally: os.chdir(cwd)
    raw = json.loads(fn.read_text(encoding='utf-8'))
    ran = {c.get('id'): c for c in nb.cells}
    saved = 0
    for c in raw['cells']:
        if c['cell_type'] != 'code' or not (a.all or c.get('id') in a.ids): continue
        if a.all and 'hide' in (getattr(ran.get(c.get('id')), 'directives_', {}) or {}): c['outputs'] = []; continue   # not on the page
        r = ran.get(c.get('id'))
        if r is None or skip(r): continue
        c['outputs'] = [dict(o) for o in r.get('outputs', [])]; saved += 1
    fn.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    print(f"{fn.name}: outputs of {saved} cell(s) saved; now run nbdev_clean")

if __name__ == '__main__': main()
