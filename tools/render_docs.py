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
   "Open in Colab" badge; the links and anchors (`link_defects`), among them a backticked name that several
   modules define (`main`: nbdev's linkify takes the first module of `_modidx.py`) linked away from its page;
   and the saved outputs of every code cell, hidden ones too since GitHub shows them (`output_defects`):
   - temporary paths (`/tmp`, `/var/folders/`, `/private/tmp/`, `/dev/shm/`, `\Temp\`, tempfile's `tmpXXXXXXXX`) in
     streams, results, HTML and errors;
   - stderr streams (a warning the reader should not see);
   - outputs their cell contradicts: an error naming a value (`unknown method 'tm'`) that the cell never gives that
     argument (`method='sre'`, `'--method', 'sre'`; cells computing the value are skipped), a warning quoting a
     line the cell no longer has;
   - a saved `--help` (`usage: PROG`, PROG a console script of settings.ini) whose options differ from what
     `python -m MODULE --help` prints now;
   - a program's saved output in an older format: from a line one of its current `print`s gives (20 literal
     characters or more) to the next blank line, every line must be one that some `print` of its module gives.
   Defects listed in
   `tools/render_known.txt` (`page | symbol | kind`, one a line) are tolerated; any other fails the check,
   and so does a listed one that is gone (the list must stay exact: `--update-known` rewrites it).
   `--check` first runs `selftest`: the rules on small cases, and `tools/render_fixture.ipynb` (outside nbs/:
   no page) rendered and scanned, each of its faults found (`--selftest` runs only that).

Run from anywhere (the screenshots need Debian packages chromium, libjs-mathjax, fonts-mathjax):

    .venv/bin/python tools/render_docs.py [--screenshot] [--height 1600] [nbs/00_data.ipynb ...]
    .venv/bin/python tools/render_docs.py --check            # CI: every page, defects against the known list
    .venv/bin/python tools/render_docs.py --selftest         # the checker's own checks, with its fixture

Exits non-zero if any notebook fails to process or convert, or (with `--check`) on a defect not listed.
"""
import argparse, ast, io, os, re, subprocess, sys, tokenize, traceback
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
_re_tmp = re.compile(r'(?:(?<![\w.])/tmp(?![\w.-])|/var/tmp/|/var/folders/|/private/(?:var|tmp)/|/dev/shm/|\\(?:Temp|TEMP|tmp)\\'
                     r'|(?<![A-Za-z0-9])tmp[a-z0-9_]{8}(?![a-z0-9]))')   # tempfile's names: tmp + 8 of [a-z0-9_]
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

def ambiguous_names()->dict:
    """Short names that several modules of the library define: name -> modules, in the order of `_modidx.py`. nbdev's linkify
    (`NbdevLookup`) links a backticked short name to the first of them, whichever one the text meant."""
    import importlib
    d, by = importlib.import_module(f"{settings().get('lib_path', 'mas_nbdev')}._modidx").d, {}
    for mod, syms in d['syms'].items():
        for k in syms: by.setdefault(k[len(mod) + 1:] if k.startswith(mod + '.') else k, []).append(mod)
    return {k: v for k, v in by.items() if len(v) > 1}

def link_defects(pages:dict, cfg:dict, amb:dict=None)->set:
    """Every internal link and anchor of the rendered pages resolved the way the site resolves them, and the backticked names
    (`amb`, default `ambiguous_names()`) that several modules define, linked to another page than this one."""
    site, found = site_of(cfg), set()
    amb = ambiguous_names() if amb is None else amb
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
                if m and m[1] in amb and page_file(name) != t.partition('#')[0]:
                    found.add((page, where, f'`{m[1]}` is defined in {len(amb[m[1]])} modules ({", ".join(amb[m[1]])}): nbdev links it to {t}; '
                                            f'write `<module>.{m[1]}` for the one meant'))
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
    "Nested links, and saved `show_doc` outputs that differ from what `show_doc` gives now (`output_defects` checks the other outputs)."
    found, section = set(), '(top)'
    raw_cells = {c.get('id'): c for c in raw.cells} if raw is not None else {}
    for c in nb.cells:
        if c.cell_type == 'markdown' and (hs := _headings(c.source)): section = hs[-1]
        where = f'§ {section}' if section != '(top)' else '(top)'
        mds = ([c.source] if c.cell_type == 'markdown' else []) + [
            ''.join(o.get('data', {}).get('text/markdown', '')) for o in c.get('outputs', [])]
        for t in mds:
            for m in _re_nested.finditer(t): found.add((page, where, f'nested link: {m[0][:60]}...'))
        if c.cell_type == 'code' and 'show_doc(' in c.source and (r := raw_cells.get(c.get('id'))) is not None:
            new = [_norm_doc(''.join(o.get('data', {}).get('text/markdown', ''))) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
            old = [_norm_doc(''.join(o.get('data', {}).get('text/markdown', ''))) for o in r.get('outputs', []) if 'text/markdown' in o.get('data', {})]
            if new != old:
                sym = re.search(r'show_doc\(([^,)]+)', c.source)[1]
                found.add((page, sym, 'saved show_doc output ' + ('missing' if not old else 'stale') + ' (GitHub shows it): run the cell and save'))
    return found


# ---- saved outputs: what a reader of the page (or of the notebook on GitHub) sees that the cell would not give now ----
_re_ansi = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
_re_unknown = re.compile(r"""\b(?:unknown|invalid|unsupported)\s+([A-Za-z_][\w-]*)\s+(['"])([^'"\n]*)\2""")
_re_choice = re.compile(r"""argument\s+--([\w-]+)(?:/-\w+)?:\s+invalid choice:\s+(['"])([^'"\n]*)\2""")
_re_warn = re.compile(r'^<ipython-input-\d+-[0-9a-f]+>:(\d+): (\w+(?:Warning|Error)): ', re.M)
_re_usage = re.compile(r'^usage: (\S+)', re.M)
_re_opt = re.compile(r'(?<![\w-])--[A-Za-z][\w-]*')
PH, NL = '[^\\n]*?', '\x00'   # what a `{...}` of an f-string may print; a newline in a template

def output_text(o, error=True)->str:
    "The visible text of one saved output: a stream, text/plain, text/markdown, text/html, or an error's message and traceback."
    d = o.get('data', {})
    t = [''.join(o.get('text', ''))] + [''.join(d.get(k, '')) for k in ('text/plain', 'text/markdown', 'text/html', 'text/latex')]
    if error and o.get('output_type') == 'error':
        t += [f"{o.get('ename', '')}: {o.get('evalue', '')}", _re_ansi.sub('', '\n'.join(o.get('traceback', [])))]
    return '\n'.join(s for s in t if s)

def cell_hidden(src:str)->bool:
    "Whether the site leaves out this code cell's outputs (`#| hide`, `#| include: false`, `#| output: false`); GitHub shows them."
    opts = {}
    for l in src.splitlines():
        if not (m := re.match(r'\s*#\|\s*([\w-]+)\s*(?::\s*(.*?))?\s*$', l)): break
        opts[m[1]] = (m[2] or '').strip().lower()
    return 'hide' in opts or opts.get('include') == 'false' or opts.get('output') == 'false'

def given_values(src:str, name:str):
    "The literal values `src` gives argument `name` (`name='v'`, `'name': 'v'`, `'--name', 'v'`, `--name v`), or None when it also gives a computed one."
    vals, q = set(), r"""(['"])([^'"\n]*)\1"""
    for n in {name, name.replace('-', '_'), name.replace('_', '-')}:
        e = re.escape(n)
        for pat in (rf'(?<![\w.]){e}\s*=(?!=)\s*{q}', rf"""['"]{e}['"]\s*:\s*{q}""", rf"""['"]--{e}['"]\s*,\s*{q}"""):
            vals |= {m[2] for m in re.finditer(pat, src)}
        vals |= {m[1] for m in re.finditer(rf'(?<![\w-])--{e}[= ]([^\s\'",)]+)', src)}
        if re.search(rf"""(?<![\w.]){e}\s*=(?!=)\s*(?!['"\s])""", src) or re.search(rf"""['"]--{e}['"]\s*,\s*(?!['"\s])""", src): return None
    return vals

def contradictions(src:str, text:str)->list:
    """What a saved output says that its cell's source contradicts: an error naming a value (`unknown method 'tm'`) the cell
    never gives that argument (`method='sre'`), a warning quoting a line the cell no longer has."""
    out = []
    for m in list(_re_unknown.finditer(text)) + list(_re_choice.finditer(text)):
        name, val = m[1], m[3]
        vals = given_values(src, name)
        if vals and val not in vals:
            out.append(f"says {m[0].strip()} but the cell gives {name} " + ', '.join(repr(v) for v in sorted(vals)))
    lines = {re.sub(r'\s+', ' ', l).strip() for l in src.splitlines()}
    for m in _re_warn.finditer(text):   # `<ipython-input-N-hash>:LINE: Category: message` ... then the line, indented by 2
        rest = text[m.end():].split('\n')
        code = next((l for l in rest[1:] if l.startswith('  ') and not l.startswith('   ')), None)
        if code and re.sub(r'\s+', ' ', code).strip() not in lines:
            out.append(f"{m[2]} quotes line {m[1]} `{code.strip()[:60]}`, which the cell no longer has")
    return out

def stderr_kind(text:str)->str:
    "A short name of what a stderr output holds: its warning (category and message) or its first line."
    m = re.search(r'\b(\w+(?:Warning|Error)): (.*)', text)
    s = f'{m[1]}: {m[2]}' if m else next((l.strip() for l in text.splitlines() if l.strip()), '')
    return s[:70] + ('...' if len(s) > 70 else '')

def _fstring_pattern(node)->str:
    "A regex for what `print` of this expression prints: its literal parts, `[^\\n]*?` for the rest."
    if isinstance(node, ast.Constant) and isinstance(node.value, str): return re.escape(node.value).replace('\\\n', NL)
    if isinstance(node, ast.JoinedStr): return ''.join(_fstring_pattern(v) if isinstance(v, ast.Constant) else PH for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add): return _fstring_pattern(node.left) + _fstring_pattern(node.right)
    if isinstance(node, ast.IfExp): return f'(?:{_fstring_pattern(node.body)}|{_fstring_pattern(node.orelse)})'
    return PH

def print_templates(path:Path)->list:
    "(regex, literal characters) of each line the `print` calls (and `SystemExit` messages) of a module can print."
    out = []
    for n in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if not isinstance(n, ast.Call) or not n.args: continue
        f = n.func.id if isinstance(n.func, ast.Name) else None
        if f == 'print' and not any(k.arg in ('sep', 'end') for k in n.keywords): pat = ' '.join(_fstring_pattern(a) for a in n.args)
        elif f == 'SystemExit': pat = _fstring_pattern(n.args[0])
        else: continue
        lit = len(re.sub(r'\\(.)', r'\1', pat.replace(PH, '')))
        if lit < 3: continue   # `print(x)`, `SystemExit(2)`: any line
        for p in pat.split(NL):
            try: out.append((re.compile(p), lit))
            except re.error: pass   # a newline inside an alternative: that line is not checked
    return out

def stale_program_lines(text:str, templates:list, min_lit:int=20)->list:
    """Lines of a program's saved output that its current `print`s cannot give: a block starts at a line that one of
    them (with `min_lit` literal characters or more) gives, and runs to the next blank line."""
    bad, inblock = [], False
    for line in text.splitlines():
        if not line.strip(): inblock = False; continue
        ok = any(p.fullmatch(line) for p, _ in templates)
        if not inblock and ok and any(p.fullmatch(line) for p, lit in templates if lit >= min_lit): inblock = True
        elif inblock and not ok: bad.append(line)
    return bad

_programs_cache = {}
def programs()->dict:
    "The project's command lines: name -> module (settings.ini's console_scripts; `python -m` names them by file)."
    if not _programs_cache:
        cfg, lib = settings(), settings().get('lib_path', 'mas_nbdev')
        for s in cfg.get('console_scripts', '').split():
            name, _, target = s.partition('=')
            _programs_cache[name] = target.split(':')[0]
        for f in (ROOT/lib).glob('*.py'):
            if f.stem in {m.rsplit('.', 1)[-1] for m in _programs_cache.values()}: _programs_cache.setdefault(f.name, f'{lib}.{f.stem}')
    return _programs_cache

_help_cache = {}
def current_help(module:str)->str:
    "What `python -m MODULE --help` prints now (the checkout's code), or '' when it fails."
    if module not in _help_cache:
        env = {**os.environ, 'PYTHONPATH': str(ROOT), 'COLUMNS': '120', 'OMP_NUM_THREADS': '1'}
        r = subprocess.run([sys.executable, '-m', module, '--help'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        _help_cache[module] = r.stdout if r.returncode == 0 and 'usage:' in r.stdout else ''
    return _help_cache[module]

def help_defects(text:str, helps=None)->list:
    "How a saved `--help` of one of the project's programs differs from its parser's now: the options it lacks or has extra."
    out = []
    for m in _re_usage.finditer(text):
        if (mod := programs().get(m[1])) is None: continue
        now = (helps or current_help)(mod)
        if not now: out.append(f"saved --help of {m[1]}: `python -m {mod} --help` fails now"); continue
        opts = lambda t: {o.replace('_', '-') for o in _re_opt.findall(t)} - {'--help'}
        nxt = _re_usage.search(text, m.end())
        saved, cur = opts(text[m.start():nxt.start() if nxt else len(text)]), opts(now)
        if saved != cur:
            diff = ([f"lacks {', '.join(sorted(cur - saved))}"] if cur - saved else []) + ([f"has {', '.join(sorted(saved - cur))}"] if saved - cur else [])
            out.append(f"saved --help of {m[1]} differs from its parser's: {'; '.join(diff)}")
    return out

def output_defects(page:str, nb, helps=None)->set:
    """The saved outputs of a notebook as saved (hidden cells too: GitHub and Colab show them): temporary paths, stderr
    streams, outputs their cell contradicts, a `--help` other than the parser's, a program's output in an older format."""
    found, section = set(), '(top)'
    tmpl = {name: print_templates(ROOT/(mod.replace('.', '/') + '.py')) for name, mod in programs().items() if not name.endswith('.py')}
    for i, c in enumerate(nb.cells):
        if c.cell_type == 'markdown':
            hs = _headings(c.source)
            if i == 0 and c.source.lstrip().startswith('# '): hs = hs[1:]   # the title: nbdev's front matter
            if hs: section = hs[-1]
        if c.cell_type != 'code': continue
        where = f'§ {section}' if section != '(top)' else '(top)'
        hid = ' [hidden on the site; GitHub shows it]' if cell_hidden(c.source) else ''
        for o in c.get('outputs', []):
            text = output_text(o)
            if m := _re_tmp.search(text): found.add((page, where, f'temporary path in an output: ...{text[max(0, m.start() - 20):m.end() + 30]!r}{hid}'))
            if o.get('output_type') == 'stream' and o.get('name') == 'stderr':
                found.add((page, where, f'stderr in a saved output: {stderr_kind(text)}{hid}'))
            for k in contradictions(c.source, text): found.add((page, where, f'saved output contradicts its cell: {k}{hid}'))
            for k in help_defects(text, helps): found.add((page, where, k + hid))
            for name, ts in tmpl.items():
                if bad := stale_program_lines(text, ts):
                    found.add((page, where, f'saved output of {name} in an older format: {bad[0][:70]!r} is not a line it prints now{hid}'))
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
    for t in ("under '/tmp/tmp6as0hdcp'", "'/tmp'", '/var/folders/x/T/a', r'C:\Users\u\AppData\Local\Temp\x', 'in tmpab_cd123_run', '/dev/shm/x'):
        assert _re_tmp.search(t), t
    for t in ("under 'no_data_here'", 'project/tmp/x', 'tmp_path_factory', 'tmp_folder', "'<tmp>/experts'", 'a/tmp.py', 'tmpfile'):
        assert not _re_tmp.search(t), t
    assert page_file('12_condense.ipynb') == 'condense.html' and page_file('index.ipynb') == 'index.html'
    cfg = dict(doc_host='https://u.github.io', doc_baseurl='/r', git_url='https://github.com/u/r', branch='main', user='u', repo='r')
    nbs = {p.name for p in (ROOT/'nbs').glob('*.ipynb')}
    a, b = sorted(nbs)[:2]
    pages = {a: ({'x': 'heading'}, [('t', f'{b}#nope', '(top)'), ('t', 'https://u.github.io/r/' + page_file(a) + '#x', '(top)'),
                                     ('t', page_file(b), '(top)'), ('`f`', 'https://u.github.io/r/' + page_file(b) + '#f', '(top)')], [], {'f'}),
             b: ({'f': 'show_doc'}, [], [('x', 'heading', 'show_doc', 'x')], set())}
    kinds = sorted(k[2].split(':')[-1].strip()[:12] for k in link_defects(pages, cfg, amb={}))
    assert len(kinds) == 4, kinds   # missing anchor, .html link, local name linked away, repeated id; the good link passes
    pages = {a: ({'g': 'show_doc'}, [('`g`', 'https://u.github.io/r/' + page_file(b) + '#g', '(top)'), ('`g`', 'https://u.github.io/r/' + page_file(a) + '#g', '(top)'),
                      ('`h`', 'https://u.github.io/r/' + page_file(b) + '#h', '(top)')], [], set())}
    assert len(link_defects(pages, cfg, amb={'g': ['m.x', 'm.y']})) == 1   # `g` linked away from its page; on its page, and `h`, pass
    # outputs their cell contradicts: only a value the cell gives literally, and never the one the message names
    assert given_values("f(method='sre'); g(['--ipc', '2'])", 'method') == {'sre'} and given_values("f(method=m)", 'method') is None
    assert given_values("run(['--method', 'sre'])", 'method') == {'sre'} and given_values("x == 'a'", 'method') == set()
    assert contradictions("f(method='sre')", "ValueError: unknown method 'tm'; choose one of ['dm']")
    for src, msg in [("f(method='tm')", "unknown method 'tm'"), ("f(method=m)", "unknown method 'tm'"), ("f('cifar-10')", "unknown dataset 'x'"),
                     ("y = f(x)", "<ipython-input-3-0a1b2c3d4e5f>:1: UserWarning: careful\n  y = f(x)\n")]:
        assert not contradictions(src, msg), (src, msg)
    ts = [(re.compile(_fstring_pattern(ast.parse(e, mode='eval').body)), 25) for e in
          ['f"condensing {name}: method {m} ({s}), ipc {ipc}"', 'f"{n} iterations of {m} in {t:.0f} s" + (f", lr {lr}" if c else \'\')']]
    assert stale_program_lines('condensing a: method b (c (d)), ipc 1\n2 iterations of mas in 3 s, lr 0.1\n\nanything', ts) == []
    assert stale_program_lines('x\ncondensing a: method b (c), ipc 1\n2 outer iterations in 3 s\n', ts) == ['2 outer iterations in 3 s']
    assert help_defects('usage: mas_condense [-h] [--a A]\n  --b-c B\n', helps=lambda m: 'usage: x [--a A] [--b_c B] [--d]') == [
        "saved --help of mas_condense differs from its parser's: lacks --d"]
    fixture_selftest()

FIXTURE = ROOT/'tools'/'render_fixture.ipynb'

def fixture_selftest():
    """Render `tools/render_fixture.ipynb` (one saved instance of each fault of the saved outputs, and an ambiguous link) and
    check that each is found, in its section, and nothing else of those kinds: a rule that stopped finding its fault fails here."""
    out = ROOT/'_proc'/'selftest'
    proc, html = out/FIXTURE.name, out/f'{FIXTURE.stem}.html'
    cwd = os.getcwd(); os.chdir(ROOT)
    try: process(FIXTURE, proc)
    finally: os.chdir(cwd)
    to_html(proc, html)
    pages = {}
    amb = {**ambiguous_names(), 'main': ['mas_nbdev.cli', 'mas_nbdev.elsewhere']}   # a second `main` (as `sets` had one until it was retired)
    found = scan(proc, html, FIXTURE, pages) | link_defects(pages, settings(), amb)
    want = [('§ A name two modules define', '`main` is defined in', 'cli.html#main'),
            ('§ Outputs their cell contradicts', "saved output contradicts its cell: says unknown method 'tm' but the cell gives method 'sre'", ''),
            ('§ Outputs their cell contradicts', 'saved output contradicts its cell: UserWarning quotes line 1 `x = float(trajectory_loss(end, start, target))`', ''),
            ('§ Outputs their cell contradicts', 'stderr in a saved output: UserWarning: Converting a tensor', ''),
            ('§ A saved --help', "saved --help of mas_condense differs from its parser's: lacks", '--experts'),
            ('§ A saved --help', "saved --help of mas_condense differs from its parser's: lacks", 'has --old-flag'),
            ("§ A program's output in an older format", "saved output of mas_condense in an older format: '2 outer iterations x 2 inner steps", ''),
            ('§ Temporary paths', 'temporary path in an output:', '/tmp/tmpab12cd34/run.pt\\n\' [hidden on the site; GitHub shows it]'),
            ('§ Temporary paths', 'temporary path in an output:', '/var/folders/xy/T/tmpqw3rt5yu'),
            ('§ Temporary paths', 'temporary path in an output:', 'Temp\\\\tmpzx81k2ab')]
    kinds = ('`main`', 'saved output', 'stderr', 'saved --help', 'temporary path')
    ours = {k for k in found if k[2].startswith(kinds)}
    for sec, pre, part in want:
        hit = [k for k in ours if k[1] == sec and k[2].startswith(pre) and part in k[2]]
        assert hit, f"render fixture: not found: {sec} | {pre} ... {part}\nfound: " + '\n'.join(map(_fmt_key, sorted(found)))
    assert len(ours) == len(want) - 1, 'render fixture: found more than its faults:\n' + '\n'.join(map(_fmt_key, sorted(ours)))   # the two --help parts: one finding
    return found

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
    raw = nbformat.read(src, as_version=4) if src else None
    found |= cell_defects(page, nb, raw)
    found |= output_defects(page, raw if raw is not None else nb)
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
    p.add_argument('--selftest', action='store_true', help="only the checker's own checks (tools/render_fixture.ipynb included)")
    a = p.parse_args()
    if a.selftest:
        selftest(); print(f'render check self-test: ok ({FIXTURE.relative_to(ROOT)}: each fault found)'); return
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
