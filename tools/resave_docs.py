"""Re-save the outputs of the explicit `show_doc(...)` cells of the notebooks from a fresh `show_doc` run, as Jupyter would
save them (GitHub's notebook view shows saved outputs; the render check flags missing and stale ones).

    python tools/resave_docs.py                 # every notebook
    python tools/resave_docs.py nbs/12_condense.ipynb

Each notebook's module is imported (its private names too), with the dataclasses' renderer `FieldsDoc`, so that a cell is
rendered as the notebook renders it. Run `nbdev_clean` afterwards.
"""
import argparse, importlib, json, re, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nbdev.showdoc import show_doc
from nbdev.doclinks import NbdevLookup
from mas_nbdev.data import FieldsDoc

def resave(path:Path)->int:
    nb = json.loads(path.read_text(encoding='utf-8'))
    srcs = [''.join(c['source']) for c in nb['cells']]
    exp = next((m.group(1) for s in srcs if (m := re.match(r'#\|\s*default_exp\s+(\S+)', s))), None)
    if exp is None: return 0
    ns = dict(vars(importlib.import_module(f'mas_nbdev.{exp}'))); ns['show_doc'] = show_doc
    ns.setdefault('FieldsDoc', FieldsDoc)   # the renderer of the dataclasses (`show_doc(X, renderer=FieldsDoc)`)
    n = 0
    for c, s in zip(nb['cells'], srcs):
        s = s.strip()
        if c['cell_type'] != 'code' or not re.fullmatch(r'show_doc\(.*\)', s, re.S) or '\n' in s: continue
        r = eval(s, ns)
        md, txt = r._repr_markdown_(), repr(r)
        sym = re.match(r'show_doc\(([\w.]+)', s).group(1)
        if '#LNone' in md and (code := NbdevLookup().code(sym)): md = re.sub(r'\(https://github\.com/[^)]*#LNone\)', f'({code})', md)
        c['outputs'] = [{'data': {'text/markdown': md.splitlines(keepends=True), 'text/plain': txt.splitlines(keepends=True)},
                         'execution_count': None, 'metadata': {}, 'output_type': 'execute_result'}]
        n += 1
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return n

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); p.add_argument('notebooks', nargs='*')
    a = p.parse_args()
    for f in ([Path(x) for x in a.notebooks] or sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))):
        print(f"{f.name}: {resave(f)} show_doc output(s) saved")
