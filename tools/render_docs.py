"""Render the docs pages without Quarto, to check what the nbdev site will show.

For each notebook (default: every nbs/*.ipynb) this
1. runs nbdev's own docs processing (`nbdev.processors.FilterDefaults`, applied per file by
   `nbdev.serve_drv.main`, exactly as `nbdev_proc_nbs`/`nbdev_preview` do, but without their
   Quarto install) into `_proc/NAME.ipynb`. Like the real docs build this executes the export,
   `show_doc` and import cells (also any cell mixing imports with other code, however slow), so a
   broken import, export or `show_doc` fails here;
2. converts the processed notebook with nbconvert to `_proc/html/NAME.html`, doing what Quarto
   would: front matter -> title and description, `#| echo/output/include` honoured and the `#|`
   lines dropped, pandoc `{target=...}` attributes and `:::` fences stripped, math typeset by the
   local Debian MathJax (saved outputs are shown as they are; nothing else is executed);
3. with `--screenshot`, saves `_proc/html/NAME.png` with headless Chromium.

Run from anywhere (needs Debian packages chromium, libjs-mathjax, fonts-mathjax):

    .venv/bin/python tools/render_docs.py [--screenshot] [--height 1600] [nbs/00_data.ipynb ...]

Exits non-zero if any notebook fails to process or convert.
"""
import argparse, os, re, subprocess, sys, traceback
from pathlib import Path

import nbformat, yaml
from nbconvert import HTMLExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = 'file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full'
CHROMIUM = ['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--no-first-run', '--disable-component-update', '--hide-scrollbars', '--virtual-time-budget=15000']

def process(src:Path, dst:Path):
    "nbdev's docs processing of one notebook, as `nbdev_proc_nbs` does it."
    from nbdev.processors import FilterDefaults
    import nbdev.serve_drv
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbdev.serve_drv.main((src, dst, FilterDefaults))

_re_fm = re.compile(r'^---\s*\n(.*?)\n---\s*$', re.DOTALL)
_re_attr = re.compile(r'(?<=[)\]])\{(?:[^{}\n]*=[^{}\n]*|[.#][^{}\n]*)\}')  # [link](url){target="_blank"}
_re_fence = re.compile(r'^:::.*\n?', re.MULTILINE)                          # quarto fenced divs
_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')

def clean_md(s:str)->str: return _re_fence.sub('', _re_attr.sub('', s))

def split_directives(src:str):
    "The leading `#| key: value` options of a code cell as a dict, and the source without them."
    lines, opts = src.splitlines(), {}
    while lines and (m := _re_dir.match(lines[0])):
        opts[m[1]] = yaml.safe_load(m[2]) if m[2] else None
        lines.pop(0)
    return opts, '\n'.join(lines)

def quartoish(nb):
    "Do to a processed notebook what Quarto does and plain nbconvert doesn't."
    cells, fm = [], {}
    for c in nb.cells:
        if c.cell_type == 'raw' and (m := _re_fm.match(c.source.strip())): fm.update(yaml.safe_load(m[1]) or {}); continue
        if c.cell_type == 'markdown': c.source = clean_md(c.source)
        if c.cell_type == 'code':
            opts, c.source = split_directives(c.source)
            if opts.get('include') is False: continue
            if opts.get('echo') is False: c.metadata.setdefault('tags', []).append('remove_input')
            if opts.get('output') is False: c.outputs = []
            for o in c.outputs:
                md = o.get('data', {}).get('text/markdown')
                if md is not None: o.data['text/markdown'] = clean_md(md if isinstance(md, str) else ''.join(md))
        cells.append(c)
    if fm:
        head = f"# {fm.get('title', '')}" + (f"\n\n> {fm['description']}" if fm.get('description') else '')
        cells.insert(0, nbformat.v4.new_markdown_cell(head))
        nb.metadata['title'] = fm.get('title', '')
    nb.metadata.pop('widgets', None)  # widget manager would load from a CDN
    nb.cells = cells
    return nb

def to_html(src:Path, dst:Path):
    nb = quartoish(nbformat.read(src, as_version=4))
    cfg = Config({'TagRemovePreprocessor': {'enabled': True, 'remove_input_tags': {'remove_input'}}})
    exp = HTMLExporter(config=cfg, template_name='lab', mathjax_url=MATHJAX, require_js_url='',
                       exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exp.from_notebook_node(nb, resources={'metadata': {'name': src.stem}})
    dst.write_text(body, encoding='utf-8')

def screenshot(html:Path, png:Path, height:int):
    subprocess.run(CHROMIUM + [f'--screenshot={png}', f'--window-size=1200,{height}', html.as_uri()],
                   check=True, capture_output=True, timeout=120)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('nbs', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    p.add_argument('--screenshot', action='store_true', help='also save _proc/html/NAME.png')
    p.add_argument('--height', type=int, default=1600, help='screenshot window height in pixels')
    a = p.parse_args()
    nbs = [Path(o).resolve() for o in a.nbs] or sorted((ROOT/'nbs').glob('*.ipynb'))
    os.chdir(ROOT)  # nbdev finds settings.ini from the working directory
    out = ROOT/'_proc'/'html'
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for nb in nbs:
        proc, html = ROOT/'_proc'/nb.name, out/f'{nb.stem}.html'
        try:
            process(nb, proc)
            to_html(proc, html)
            if a.screenshot: screenshot(html, html.with_suffix('.png'), a.height)
            print(f'ok    {nb.name} -> {html.relative_to(ROOT)}', flush=True)
        except Exception:
            traceback.print_exc()
            print(f'FAIL  {nb.name}', file=sys.stderr)
            failed.append(nb.name)
    if failed: sys.exit(f'{len(failed)} notebook(s) failed: {", ".join(failed)}')

if __name__ == '__main__': main()
