"""Give every notebook what it needs to open and run on Google Colab, generated from settings.ini.

Each notebook in nbs/ with code cells gets (a page of prose only, such as index and method, gets neither:
there is nothing to run, and the index carries its own labelled badge to a notebook that runs something)
1. a hidden install cell, right after its `#| default_exp` cell (first, when it has none), that runs only
   where `/content` exists (Colab): it pip-installs the library from settings.ini's `git_url` (its loose
   requirements are all preinstalled on Colab, so no package Colab ships changes), and nbdev 2 with the pins of
   settings.ini's `dev_requirements` into the private folder `/content/.nbdev2` (`--no-deps --target`: no
   resolver, nothing in site-packages touched), visible only while `nbdev.showdoc` is imported (see
   `install_source`); nbdev hides the cell from the docs (`#| hide`) and it does nothing anywhere else;
2. an "Open in Colab" badge in a markdown cell right after its title cell (nbdev turns the title cell into
   the page's front matter and drops anything else in it), pointing at
   https://colab.research.google.com/github/USER/REPO/blob/BRANCH/NBS/NAME.ipynb, the address nbdev's own
   `nbdev.showdoc.colab_link` builds from the same settings.

    python tools/colab.py            # insert or refresh both in every notebook (idempotent)
    python tools/colab.py --check    # exit 1, naming each notebook, when a cell or badge is missing or stale

Run `nbdev_clean` after writing. The check runs in `.ci/run`, so a change of repository, branch or pins in
settings.ini, or a new notebook, cannot leave stale install cells or badges behind. It also checks that
15a_experiments' `REPO_RAW` (where committed results are downloaded from outside a checkout) is settings.ini's.
"""
import argparse, configparser, hashlib, json, re, shlex, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = '# Colab only:'   # first comment line of the install cell: how this tool finds it again
BADGE_IMG = 'https://colab.research.google.com/assets/colab-badge.svg'
_re_badge = re.compile(r'\n*\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\s*$')
_re_badge_cell = re.compile(r'^\s*\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)\s*$')
DEV_PKGS = ('nbdev', 'fastcore', 'execnb', 'ghapi', 'fastgit')   # what `show_doc` (nbdev 2) needs, from dev_requirements
# nbdev 2's other import-time dependencies that Colab may lack; exact versions, as installed by `.[dev]`.
NBDEV2_EXTRA = ('astunparse==1.6.3', 'six==1.17.0')
COLAB_DIR = '/content'                  # exists on Colab only: the install cell does nothing elsewhere
PRIVATE = COLAB_DIR + '/.nbdev2'        # nbdev 2 and fastcore 1.x live here, outside Colab's site-packages

def settings(root:Path=ROOT)->dict:
    "settings.ini's [DEFAULT] section, with its %(...)s references resolved."
    cp = configparser.ConfigParser()
    cp.read(root/'settings.ini', encoding='utf-8')
    return dict(cp['DEFAULT'])

def colab_url(nb:Path, cfg:dict)->str:
    "The Colab address of notebook `nb`, as `nbdev.showdoc.colab_link` builds it."
    return (f"https://colab.research.google.com/github/{cfg['user']}/{cfg['repo']}/blob/{cfg['branch']}/"
            f"{Path(cfg['nbs_path']).name}/{nb.name}")

def badge(nb:Path, cfg:dict)->str: return f"[![Open In Colab]({BADGE_IMG})]({colab_url(nb, cfg)})"

def lib_spec(cfg:dict)->str:
    "The pip requirement that installs the library from its repository (the rehearsal swaps it for a wheel)."
    return f"{cfg['lib_name']} @ git+{cfg['git_url']}@{cfg['branch']}"

def nbdev2_pins(cfg:dict)->list:
    "nbdev 2 and the pins of its dependencies (settings.ini's `dev_requirements`), plus `NBDEV2_EXTRA`."
    return [r for r in cfg.get('dev_requirements', '').split() if re.split(r'[<>=!~ ]', r)[0] in DEV_PKGS] + list(NBDEV2_EXTRA)

def install_source(cfg:dict)->str:
    """The hidden install cell. On Colab only: the library with plain `pip install` (its requirements are loose,
    Colab already has them all, so nothing Colab ships changes), and nbdev 2 for `show_doc` with `--no-deps
    --target` into a private folder (nbdev 2 needs fastcore 1.x, Colab's fastai needs fastcore 2.x). That folder
    is on `sys.path` only while `nbdev.showdoc` is imported; then the fastcore 1.x modules it loaded leave
    `sys.modules`, so the notebook, the library and fastai import Colab's own fastcore afterwards."""
    lib = 'install -q ' + shlex.quote(lib_spec(cfg))
    dev = f'install -q --no-deps --target {PRIVATE} ' + ' '.join(shlex.quote(p) for p in nbdev2_pins(cfg))
    own = tuple(p for p in DEV_PKGS if p != 'nbdev') + ('astunparse',)   # modules that must stay nbdev's
    return '\n'.join([   # no import statement: nbdev's docs processing would execute the cell and warn
        '#| hide',
        f"{MARK} install {cfg['lib_name']} without changing any package Colab ships, and nbdev 2 for `show_doc`",
        f"# into a private folder that only the documentation helpers see (does nothing elsewhere; see CONTRIBUTING.md).",
        f"if __import__('os').path.exists({COLAB_DIR!r}):",
        f"    get_ipython().run_line_magic('pip', {lib!r})",
        f"    _sys, _private, _own = __import__('sys'), {PRIVATE!r}, {own!r}",
        f"    if not __import__('os').path.exists(_private + '/nbdev'): get_ipython().run_line_magic('pip', {dev!r})",
        f"    _saved = {{n: _sys.modules.pop(n) for n in list(_sys.modules) if n.split('.')[0] in _own}}   # e.g. Colab's fastcore 2.x",
        f"    _sys.path.insert(0, _private)",
        f"    try: __import__('nbdev.showdoc')   # nbdev 2 with fastcore 1.x from the private folder",
        f"    finally:",
        f"        _sys.path.remove(_private)",
        f"        for _n in [n for n in _sys.modules if n.split('.')[0] in _own]: del _sys.modules[_n]",
        f"        _sys.modules.update(_saved)   # the notebook, the library and fastai go on with Colab's own packages"])

def _src(c)->str: return ''.join(c['source'])
def _is_title(c)->bool: return c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('# ')

def has_code(nb:dict)->bool:
    "Whether `nb` has code besides the install cell: a page of prose only (index, method) gets neither cell nor badge."
    return any(c['cell_type'] == 'code' and MARK not in _src(c) for c in nb['cells'])

def expected(nb:dict, path:Path, cfg:dict)->dict:
    "`nb` with the install cell and badge as they should be (none of either for a notebook without code)."
    cells = [c for c in nb['cells'] if not (c['cell_type'] == 'code' and MARK in _src(c))]
    if not has_code(nb):
        return dict(nb, cells=[c for c in cells if not (c['cell_type'] == 'markdown' and _re_badge_cell.match(_src(c)))])
    at = 1 if cells and cells[0]['cell_type'] == 'code' and _src(cells[0]).startswith('#| default_exp') else 0
    cell = {'cell_type': 'code', 'execution_count': None, 'id': 'colab' + hashlib.md5(path.name.encode()).hexdigest()[:6],
            'metadata': {}, 'outputs': [], 'source': install_source(cfg)}
    old = [c for c in nb['cells'] if c['cell_type'] == 'code' and MARK in _src(c)]
    if old: cell['id'] = old[0].get('id', cell['id'])   # keep the id: no diff when nothing changed
    cells.insert(at, cell)
    cells = [c for c in cells if not (c['cell_type'] == 'markdown' and _re_badge_cell.match(_src(c)))]
    ti = next((i for i, c in enumerate(cells) if _is_title(c)), None)
    if ti is None: raise SystemExit(f"{path}: no title cell ('# Title'); nbdev needs one for the page.")
    cells[ti]['source'] = _re_badge.sub('', _src(cells[ti]).rstrip())   # badges once put in the title cell
    old_b = [c for c in nb['cells'] if c['cell_type'] == 'markdown' and _re_badge_cell.match(_src(c))]
    cells.insert(ti + 1, {'cell_type': 'markdown', 'metadata': {}, 'source': badge(path, cfg),
                          'id': old_b[0].get('id') if old_b else 'badge' + hashlib.md5(path.name.encode()).hexdigest()[:6]})
    return dict(nb, cells=cells)

def _norm(nb:dict)->str: return json.dumps([(c['cell_type'], _src(c)) for c in nb['cells']])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='only check; exit 1 when a notebook is missing or stale')
    p.add_argument('nbs', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    a = p.parse_args()
    cfg = settings()
    nbs = [Path(o) for o in a.nbs] or sorted((ROOT/cfg['nbs_path']).glob('*.ipynb'))
    stale = []
    for path in nbs:
        nb = json.loads(path.read_text(encoding='utf-8'))
        new = expected(nb, path, cfg)
        if _norm(new) == _norm(nb): continue
        stale.append(path.name)
        if not a.check:
            for c in new['cells']:
                if isinstance(c['source'], str): c['source'] = c['source'].splitlines(keepends=True)
            path.write_text(json.dumps(new, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    raw = f"https://raw.githubusercontent.com/{cfg['user']}/{cfg['repo']}/{cfg['branch']}"
    figs = ROOT/cfg['nbs_path']/'15a_experiments.ipynb'
    if figs.exists() and f"REPO_RAW = '{raw}'" not in figs.read_text(encoding='utf-8'):
        sys.exit(f"15a_experiments.ipynb: REPO_RAW must be {raw!r} (settings.ini's repository and branch); edit it, then nbdev_export.")
    if a.check and stale:
        sys.exit(f"Colab install cell or badge missing or stale in: {', '.join(stale)}; run `python tools/colab.py`.")
    print(('stale: ' if a.check else 'updated: ') + (', '.join(stale) or 'none'))

if __name__ == '__main__': main()
