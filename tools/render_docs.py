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
3. with `--screenshot`, saves `_proc/html/NAME.png` with headless Chromium;
4. with `--check`, scans every page for the defects a reader would see (see `scan`): raw link markup inside a
   `show_doc` signature, `NoneType` annotations, a `*` in a docstring that breaks its italics, a `**kwargs`
   comment that nbdev drops or shows on the return line, a dataclass shown as `def X(...)->None` or with
   `<factory>` defaults, the words `METHOD.md` (a file outside the project), and a page without its
   "Open in Colab" badge. Defects listed in
   `tools/render_known.txt` (`page | symbol | kind`, one a line) are tolerated; any other fails the check,
   and so does a listed one that is gone (the list must stay exact: `--update-known` rewrites it).

Run from anywhere (the screenshots need Debian packages chromium, libjs-mathjax, fonts-mathjax):

    .venv/bin/python tools/render_docs.py [--screenshot] [--height 1600] [nbs/00_data.ipynb ...]
    .venv/bin/python tools/render_docs.py --check            # CI: every page, defects against the known list

Exits non-zero if any notebook fails to process or convert, or (with `--check`) on a defect not listed.
"""
import argparse, io, os, re, subprocess, sys, tokenize, traceback
from pathlib import Path

import nbformat, yaml
from nbconvert import HTMLExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # the checkout's mas_nbdev (its _modidx.py is what nbdev's linkify reads)
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

KNOWN = ROOT/'tools'/'render_known.txt'
_re_sig = re.compile(r'```python\n(.*?)\n```', re.DOTALL)
_re_src = re.compile(r'\[source\]\(https?://[^)]*?/blob/[^/)]+/([^)#]+)#L(\d+)\)')
_re_head = re.compile(r'^#{1,6}\s+(.*?)\s*$', re.MULTILINE)

def _kwargs_comment(path:Path, line:int):
    "The `**kwargs` parameter of the def/class header at `line` of `path` and the comment written after it, if any."
    lines = path.read_text(encoding='utf-8').splitlines(keepends=True)[line - 1:]
    toks, depth, star, name = tokenize.generate_tokens(io.StringIO(''.join(lines)).readline), 0, False, None
    try:
        for t in toks:
            if t.type == tokenize.OP and t.string in '([{': depth += 1
            elif t.type == tokenize.OP and t.string in ')]}':
                depth -= 1
                if depth == 0: return None
            elif t.type == tokenize.OP and t.string == '**' and depth == 1: star = True
            elif star and t.type == tokenize.NAME and name is None: name = t.string
            elif name and t.type == tokenize.COMMENT: return name, t.string.lstrip('#').strip()
            elif name and t.type == tokenize.OP and t.string == ',': continue
            elif name and t.type not in (tokenize.NL, tokenize.NEWLINE): return None
    except (tokenize.TokenError, IndentationError): return None
    return None

def _is_class(path:Path, line:int)->bool:
    for l in path.read_text(encoding='utf-8').splitlines()[line - 1:line + 5]:
        l = l.strip()
        if l.startswith('@'): continue
        return l.startswith('class ')
    return False

def showdoc_defects(md:str)->list:
    "(symbol, kind) for each defect of one `show_doc` output (markdown)."
    head, sig = _re_head.search(md), _re_sig.search(md)
    if not (head and sig): return []
    sym, sig, out = head[1].strip('`'), sig[1], []
    if re.search(r'\]\(https?://', sig): out.append('link markup in signature')
    if 'NoneType' in sig: out.append('NoneType annotation')
    if '<factory>' in sig: out.append('dataclass <factory> default')
    doc = md[md.index('```', md.index('```python') + 3) + 3:].strip()
    if doc.startswith('*') and doc.endswith('*') and '*' in re.sub(r'`[^`]*`', '', doc[1:-1]): out.append('* in docstring breaks italics')
    if (m := _re_src.search(md)) and (ROOT/m[1]).exists():
        path, line = ROOT/m[1], int(m[2])
        if sig.rstrip().endswith(')->None:') and _is_class(path, line): out.append('dataclass shown as def ...->None')
        if kw := _kwargs_comment(path, line):
            ret = re.search(r'\)\s*->[^\n]*?#\s*(.*)$', sig.strip())
            out.append(f'**{kw[0]} comment ' + ('on the return line' if ret and ret[1].strip() == kw[1] else 'dropped'))
    return [(sym, k) for k in out]


# ---- links and anchors, resolved as the site will resolve them ----
_re_link = re.compile(r'(?<!!)\[((?:[^\[\]]|!?\[[^\[\]]*\](?:\([^()\s]*\))?)*)\]\(([^()\s]*)(?:\s+"[^"]*")?\)')
_re_nested = re.compile(r'(?<!!)\[[^\[\]]*(?<!!)\[[^\[\]]*\]\([^()\s]*\)[^\[\]]*\]\(')
_re_hattr = re.compile(r'\s*\{([^{}]*)\}\s*$')
_re_tmp = re.compile(r'(?:/tmp/|/var/tmp/|/var/folders/|/private/var/|\\Temp\\|\btmp[a-z0-9_]{8}\b)')
_re_fence_block = re.compile(r'^(```|~~~).*?^\1\s*$', re.MULTILINE | re.DOTALL)

def page_file(nb_name:str)->str:
    "The site's file name of notebook `nb_name`, as nbdev's front matter processor gives it (`12_condense.ipynb` -> `condense.html`)."
    return re.sub(r'^\d+[a-zA-Z0-9]*_', '', Path(nb_name).name.lower()).rsplit('.', 1)[0] + '.html'

def pandoc_id(head:str)->str:
    "The id pandoc's `auto_identifiers` gives a heading (links and formatting removed, then its rules)."
    if (m := _re_hattr.search(head)) and (i := re.search(r'#([\w.:-]+)', m[1])): return i[1]
    t = _re_hattr.sub('', head)
    t = re.sub(r'!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)', r'\1', t)   # link -> its text
    t = re.sub(r'<[^>]+>', '', t).replace('`', '')
    t = re.sub(r'(?<!\w)[*_]+|[*_]+(?!\w)', '', t)                      # emphasis markers, not snake_case
    t = re.sub(r'[^\w\s.-]', '', t.lower())
    t = re.sub(r'\s+', '-', t.strip())
    return re.sub(r'^[^a-z]+', '', t) or 'section'

def _headings(md:str)->list: return _re_head.findall(_re_fence_block.sub('', md))

def site_of(cfg)->str: return f"{cfg['doc_host']}{cfg['doc_baseurl']}".rstrip('/') + '/'

def page_links(nb)->tuple:
    "(anchors, links, duplicates) of one processed page as shown: anchors in document order, links (text, target, where)."
    ids, links, dups, section = {}, [], [], '(top)'
    def add(head, kind):
        i = pandoc_id(head)
        if i in ids:   # pandoc suffixes the later one: links to #i land on the first
            dups.append((i, ids[i], kind, head)); n = 1
            while f'{i}-{n}' in ids: n += 1
            ids[f'{i}-{n}'] = kind
        else: ids[i] = kind
    for c in nb.cells:
        texts = []
        if c.cell_type == 'markdown':
            for h in _headings(c.source): add(h, 'heading')
            texts.append(c.source)
            if hs := _headings(c.source): section = hs[-1]
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md is None: continue
            md = md if isinstance(md, str) else ''.join(md)
            for h in _headings(md): add(h, 'show_doc' if '```python' in md or '[source]' in md else 'output heading')
            texts.append(md)
        for t in texts:
            for text, target in _re_link.findall(_re_fence_block.sub('', t)): links.append((text, target, section))
    defs = {m[1] for c in nb.cells if c.cell_type == 'code' and not re.search(r'^#\|\s*export', c.source, re.M)
            for m in re.finditer(r'^(?:async\s+)?(?:def|class)\s+(\w+)', c.source, re.M)}
    return ids, links, dups, defs

def link_defects(pages:dict, cfg:dict)->set:
    "Every internal link and anchor of the rendered pages resolved the way the site resolves them."
    site, found = site_of(cfg), set()
    every = {p.name for p in (ROOT/'nbs').glob('*.ipynb')}
    by_file = {page_file(n): n for n in every}
    repo_blob = f"{cfg['git_url']}/blob/{cfg['branch']}/"
    colab = f"https://colab.research.google.com/github/{cfg['user']}/{cfg['repo']}/blob/{cfg['branch']}/"
    for name, (ids, links, dups, defs) in pages.items():
        page = Path(name).stem
        for i, first, kind, head in dups:
            found.add((page, f'#{i}', f'heading {head!r} ({kind}) repeats the id of an earlier {first}: links to #{i} land on the first'))
        for text, target, section in links:
            where = f'§ {section}' if section != '(top)' else '(top)'
            t = target
            if t.startswith(('mailto:',)): continue
            if t.startswith(repo_blob) or t.startswith(colab):
                rel = t[len(repo_blob) if t.startswith(repo_blob) else len(colab):].split('#')[0]
                if not (ROOT/rel).exists(): found.add((page, where, f'link to {t}: {rel} is not in the repository'))
                continue
            if t.startswith(site):
                t = t[len(site):]
                if (m := re.fullmatch(r'`([\w.]+)(?:\(\))?`', text)) and m[1] in defs and page_file(name) != t.partition('#')[0]:
                    found.add((page, where, f'`{m[1]}` is defined on this page but links to the library\'s {t}: rename the local one or unquote it'))
            elif re.match(r'^[a-z]+:', t): continue                         # other sites: not checked offline
            path, _, anchor = t.partition('#')
            if not path: target_nb = name
            elif path.endswith('.ipynb'):
                target_nb = Path(path).name
                if target_nb not in every:
                    found.add((page, where, f'link to {target}: no page {target_nb}')); continue
            elif path.endswith('.html'):
                if target.startswith(site): target_nb = by_file.get(path)
                else:
                    found.add((page, where, f'link to {target}: link pages by their notebook (`.ipynb`), as the other pages do')); continue
                if target_nb is None: found.add((page, where, f'link to {target}: no page renders to {path}')); continue
            else:
                if not (ROOT/'nbs'/path).exists(): found.add((page, where, f'link to {target}: no file nbs/{path}'))
                continue
            if anchor and target_nb in pages and anchor not in pages[target_nb][0]:   # pages not rendered: not checked
                found.add((page, where, f'link to {target}: no anchor #{anchor} on {page_file(target_nb)} (lands on the top of the page)'))
    return found

def cell_defects(page:str, nb, raw=None)->set:
    "Nested links, temporary paths in visible outputs, and saved `show_doc` outputs that differ from what `show_doc` gives now."
    found, section = set(), '(top)'
    raw_cells = {c.get('id'): c for c in raw.cells} if raw is not None else {}
    for c in nb.cells:
        if c.cell_type == 'markdown' and (hs := _headings(c.source)): section = hs[-1]
        where = f'§ {section}' if section != '(top)' else '(top)'
        mds = ([c.source] if c.cell_type == 'markdown' else []) + [
            ''.join(o.get('data', {}).get('text/markdown', '')) for o in c.get('outputs', [])]
        for t in mds:
            for m in _re_nested.finditer(t): found.add((page, where, f'nested link: {m[0][:60]}...'))
        for o in c.get('outputs', []):
            text = ''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')) + ''.join(o.get('data', {}).get('text/markdown', ''))
            if m := _re_tmp.search(text): found.add((page, where, f'temporary path in an output: ...{text[max(0, m.start() - 20):m.end() + 30]!r}'))
        if c.cell_type == 'code' and 'show_doc(' in c.source and (r := raw_cells.get(c.get('id'))) is not None:
            new = [_norm_doc(''.join(o.get('data', {}).get('text/markdown', ''))) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
            old = [_norm_doc(''.join(o.get('data', {}).get('text/markdown', ''))) for o in r.get('outputs', []) if 'text/markdown' in o.get('data', {})]
            if new != old:
                sym = re.search(r'show_doc\(([^,)]+)', c.source)[1]
                found.add((page, sym, 'saved show_doc output ' + ('missing' if not old else 'stale') + ' (GitHub shows it): run the cell and save'))
    return found

def selftest():
    "The checker's own checks (run by --check): a checker that stopped finding defects would pass everything."
    for head, want in [('## The whole run: condense()', 'the-whole-run-condense'), ('## `condense()`', 'condense'),
                       ("## A user's own data", 'a-users-own-data'), ('### ImageData.batch', 'imagedata.batch'),
                       ('## Geometric operations: crop, scale, rotate', 'geometric-operations-crop-scale-rotate'),
                       ('### _outer_iteration', 'outer_iteration'), ('## Custom {#my-id}', 'my-id'),
                       ('## 3 steps', 'steps'), ('## The pipeline: [`DSA`](https://x/augment.html#dsa)', 'the-pipeline-dsa')]:
        assert pandoc_id(head.lstrip('# ')) == want, (head, pandoc_id(head.lstrip('# ')), want)
    assert _re_nested.search('see [[`condense`](https://s/condense.html#condense)](condense.html#x)')
    assert not _re_nested.search('[![Open In Colab](https://b.svg)](https://colab)')
    assert _re_tmp.search("under '/tmp/tmp6as0hdcp'") and not _re_tmp.search("under 'no_data_here'")
    assert page_file('12_condense.ipynb') == 'condense.html' and page_file('index.ipynb') == 'index.html'
    cfg = dict(doc_host='https://u.github.io', doc_baseurl='/r', git_url='https://github.com/u/r', branch='main', user='u', repo='r')
    nbs = {p.name for p in (ROOT/'nbs').glob('*.ipynb')}
    a, b = sorted(nbs)[:2]
    pages = {a: ({'x': 'heading'}, [('t', f'{b}#nope', '(top)'), ('t', 'https://u.github.io/r/' + page_file(a) + '#x', '(top)'),
                                     ('t', page_file(b), '(top)'), ('`f`', 'https://u.github.io/r/' + page_file(b) + '#f', '(top)')], [], {'f'}),
             b: ({'f': 'show_doc'}, [], [('x', 'heading', 'show_doc', 'x')], set())}
    kinds = sorted(k[2].split(':')[-1].strip()[:12] for k in link_defects(pages, cfg))
    assert len(kinds) == 4, kinds   # missing anchor, .html link, local name linked away, repeated id; the good link passes

def _norm_doc(md:str)->str:
    "A `show_doc` output with nbdev's links and the source line number taken out (line numbers move with every edit)."
    md = clean_md(re.sub(r'#L\d+', '', md))
    md = re.sub(r'\[(`[^`]*`)\]\([^)]*\)', r'\1', md).replace('`', '')   # nbdev's processing drops some backticks
    return re.sub(r'\s+', ' ', md).strip()

def scan(proc:Path, html:Path, src:Path=None, pages:dict=None)->set:
    """The defects of one page as (page, symbol, kind): its processed notebook as shown (hidden cells removed), and its HTML.
    Its anchors and links go into `pages` (for `link_defects`); `src`, the notebook as saved, for stale `show_doc` outputs."""
    nb, page, found, section = quartoish(nbformat.read(proc, as_version=4)), proc.stem, set(), '(top)'
    if pages is not None: pages[proc.name] = page_links(nb)
    found |= cell_defects(page, nb, nbformat.read(src, as_version=4) if src else None)
    for c in nb.cells:
        if c.cell_type == 'markdown' and (hs := _re_head.findall(c.source)): section = '§ ' + hs[-1]
        texts = [c.source] + [''.join(o.get('data', {}).get('text/markdown', '')) + ''.join(o.get('text', ''))
                              for o in c.get('outputs', [])]
        for t in texts:
            if 'METHOD.md' in t: found.add((page, section, 'METHOD.md'))
        for o in c.get('outputs', []):
            md = ''.join(o.get('data', {}).get('text/markdown', ''))
            if '```python' in md: found |= {(page, sym, k) for sym, k in showdoc_defects(md)}
            elif 'NoneType' in md + ''.join(o.get('text', '')): found.add((page, section, 'NoneType in output'))
    text = html.read_text(encoding='utf-8')
    has_code = any(c.cell_type == 'code' for c in nbformat.read(src, as_version=4).cells if '# Colab only:' not in c.source) if src else True
    if has_code and 'colab.research.google.com/github/' not in text: found.add((page, '(page)', 'no Open in Colab badge'))
    for word in ('METHOD.md', 'NoneType'):   # whatever the cell scan missed still counts, for the page
        if word in text and not any(word in k for _, _, k in found): found.add((page, '(page)', word))
    return found

def _fmt_key(k): return ' | '.join(k)

def settings()->dict:
    import configparser
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini', encoding='utf-8')
    return dict(cp['DEFAULT'])

def read_known()->set:
    if not KNOWN.exists(): return set()
    return {tuple(p.strip() for p in l.split('|', 2)) for l in KNOWN.read_text(encoding='utf-8').splitlines()
            if l.strip() and not l.lstrip().startswith('#')}

def report(found:set, update:bool)->int:
    "Print every defect, page by page, against the known list; the number of failures (new or fixed)."
    known = read_known()
    new, fixed = found - known, known - found
    for page in sorted({k[0] for k in found | known}):
        ks = sorted(k for k in found | known if k[0] == page)
        print(f"{page}: {sum(k in found for k in ks)} defect(s)")
        for k in ks: print(f"  {'known ' if k in found and k in known else 'NEW   ' if k in found else 'FIXED '} {k[1]}: {k[2]}")
    if update:
        head = ("# Known rendering defects (page | symbol | kind), tolerated by `tools/render_docs.py --check`.\n"
                "# The list must stay exact: fix a defect, then delete its line (or run --update-known).\n")
        KNOWN.write_text(head + ''.join(_fmt_key(k) + '\n' for k in sorted(found)), encoding='utf-8')
        print(f"wrote {len(found)} defect(s) to {KNOWN.relative_to(ROOT)}")
        return 0
    if new: print(f"\n{len(new)} new defect(s): fix them (see the list above)", file=sys.stderr)
    if fixed: print(f"{len(fixed)} listed defect(s) are fixed: delete their lines from {KNOWN.relative_to(ROOT)}", file=sys.stderr)
    if not (new or fixed): print(f"render check: {len(found)} known defect(s), none new")
    return len(new) + len(fixed)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('nbs', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    p.add_argument('--screenshot', action='store_true', help='also save _proc/html/NAME.png')
    p.add_argument('--height', type=int, default=1600, help='screenshot window height in pixels')
    p.add_argument('--check', action='store_true', help='scan the pages for defects; fail on any not in tools/render_known.txt')
    p.add_argument('--update-known', action='store_true', help='with --check: write the defects found to tools/render_known.txt')
    a = p.parse_args()
    if a.check or a.update_known: selftest()
    nbs = [Path(o).resolve() for o in a.nbs] or sorted((ROOT/'nbs').glob('*.ipynb'))
    os.chdir(ROOT)  # nbdev finds settings.ini from the working directory
    out = ROOT/'_proc'/'html'
    out.mkdir(parents=True, exist_ok=True)
    failed, found, pages = [], set(), {}
    for nb in nbs:
        proc, html = ROOT/'_proc'/nb.name, out/f'{nb.stem}.html'
        try:
            process(nb, proc)
            to_html(proc, html)
            if a.screenshot: screenshot(html, html.with_suffix('.png'), a.height)
            if a.check or a.update_known: found |= scan(proc, html, nb, pages)
            print(f'ok    {nb.name} -> {html.relative_to(ROOT)}', flush=True)
        except Exception:
            traceback.print_exc()
            print(f'FAIL  {nb.name}', file=sys.stderr)
            failed.append(nb.name)
    if failed: sys.exit(f'{len(failed)} notebook(s) failed: {", ".join(failed)}')
    if a.check or a.update_known:
        for nb in sorted((ROOT/'nbs').glob('*.ipynb')):   # pages not rendered now: their last rendering, for link targets
            if nb.name not in pages and (ROOT/'_proc'/nb.name).exists(): pages[nb.name] = page_links(quartoish(nbformat.read(ROOT/'_proc'/nb.name, as_version=4)))
        found |= {k for k in link_defects(pages, settings()) if not a.nbs or k[0] in {Path(o).stem for o in a.nbs}}
        if a.nbs and a.update_known: sys.exit('--update-known needs every page: run it without notebook arguments.')
        if a.nbs: found |= {k for k in read_known() if k[0] not in {Path(o).stem for o in a.nbs}}   # pages not rendered now
        if report(found, a.update_known): sys.exit(1)

if __name__ == '__main__': main()
