"""Colab rehearsal: each notebook's own install cell, then the notebook, on a Colab-like environment.

1. **A Colab-like environment.** A fresh virtual environment (outside the repository) that starts with what
   Colab preinstalls and what the install cell must not change (`COLAB_PACKAGES`: fastai, hence fastcore 2.x,
   IPython, matplotlib, scikit-learn, at their current releases from PyPI) and torch/torchvision as already
   installed: those are not copied (~5 GB) but seen through a `.pth` file naming a folder of symbolic links to
   torch, torchvision and their dependency closure in an existing environment (`--deps-venv`, default the
   README's `.venv`); only those packages, so that environment's nbdev 2, fastcore 1.x and editable install
   of this library stay invisible.
2. **The install cell, as written in the notebook.** Its text is taken from the notebook and run in an
   IPython shell with two substitutions only: the `git+` requirement of the library becomes a wheel built
   from this checkout (there is no network here), and `/content` (whose existence marks Colab) becomes an
   empty folder. The run fails on a non-zero pip exit, on any pip `ERROR` line (the dependency resolver's
   complaint among them), on any preinstalled package whose version changed or that disappeared, when the
   kernel's fastcore is no longer Colab's afterwards, or (first notebook) when fastai no longer imports.
3. **The notebook alone.** Copied alone into an empty folder (no `nbs/figures/`, no `settings.ini`, no
   checkout on `sys.path`), every code cell is run in the same IPython shell, in order, skipping cells flagged
   with settings.ini's `tst_flags` (`slow`, `gpu`, `long`) and `#| eval: false`, as `nbdev_test` would.
   Console scripts are moved out of the interpreter's folder onto PATH, as on Colab (interpreter
   /usr/bin/python3, scripts in /usr/local/bin). Committed results that Colab would fetch from the
   repository's raw URL are read from this checkout (`MAS_NBDEV_RAW=file://...`).

The first notebook's install cell runs alone (it really installs the library); then the notebooks run
`--jobs` at a time, each with its own install cell (the library is then already there: pip must still exit
cleanly without touching anything) and its own private nbdev 2 folder.

`--resolve` only checks, with pip's resolver and no install, that the runtime requirements plus the
development pins of settings.ini resolve for `min_python` and for Colab's Python (`COLAB_PYTHON`), and do not
resolve for the Python before `min_python` (so `min_python` is exact). `--install-only` runs step 2 for every
notebook, not step 3.

    python tools/colab_rehearsal.py [--deps-venv .venv] [--jobs 2] [--install-only] [nbs/05_perturb.ipynb ...]
    python tools/colab_rehearsal.py --resolve
    python tools/colab_rehearsal.py --prepare DIR && python tools/colab_rehearsal.py --work DIR   # CI: build early, in the background
"""
import argparse, configparser, contextlib, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'tools'))
from colab import MARK, COLAB_DIR, lib_spec, settings, has_code   # noqa: E402  (the install cell's generator)

COLAB_PACKAGES = ['fastai', 'ipython', 'matplotlib', 'scikit-learn']   # preinstalled on Colab, current releases
COLAB_PYTHON = '3.12'
LINKED = ['torch', 'torchvision', 'numpy']   # taken from --deps-venv with their dependencies, as "already installed"

_CLOSURE = r"""
import importlib.metadata as md, json, re, sys
from packaging.requirements import Requirement
todo, seen, tops = [(n, ()) for n in sys.argv[1:]], set(), set()
while todo:
    n, extras = todo.pop()
    n = re.sub(r'[-_.]+', '-', n).lower()
    if (n, extras) in seen: continue
    seen.add((n, extras))
    try: d = md.distribution(n)
    except md.PackageNotFoundError: continue
    for f in d.files or []:
        if f.parts[0] not in ('..', '__pycache__') and not f.parts[0].endswith('.pth'): tops.add(str(d.locate_file(f.parts[0])))
    for r in d.requires or []:
        q = Requirement(r)
        if q.marker and not any(q.marker.evaluate({'extra': e}) for e in ('',) + extras): continue
        todo.append((q.name, tuple(sorted(q.extras))))
print(json.dumps(sorted(tops)))
"""

def _py(venv:Path)->Path: return venv/'bin'/'python'
def _purelib(py:Path)->Path:
    return Path(subprocess.run([str(py), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                               check=True, capture_output=True, text=True).stdout.strip())

def colab_env(work:Path, deps_python:Path)->Path:
    "The Colab-like venv in `work/colab`: `COLAB_PACKAGES` from PyPI, `LINKED` from `deps_python` via a `.pth`."
    links = work/'preinstalled'; links.mkdir()
    tops = json.loads(subprocess.run([str(deps_python), '-c', _CLOSURE, *LINKED], check=True, capture_output=True, text=True).stdout)
    for t in map(Path, tops):
        if t.exists() and not (links/t.name).exists(): (links/t.name).symlink_to(t)
    base = subprocess.run([str(deps_python), '-c', 'import sys; print(sys._base_executable)'], check=True,
                          capture_output=True, text=True).stdout.strip()
    env = work/'colab'
    subprocess.run([base, '-m', 'venv', str(env)], check=True)
    py = _py(env)
    (_purelib(py)/'_colab_preinstalled.pth').write_text(f'{links}\n')
    t0 = time.time()
    r = subprocess.run([str(py), '-m', 'pip', 'install', '-q', '--no-compile', *COLAB_PACKAGES], capture_output=True, text=True)   # no .pyc: faster
    if r.returncode: raise SystemExit(f"could not build the Colab-like environment:\n{r.stdout}{r.stderr}")
    vers = subprocess.run([str(py), '-c', 'import importlib.metadata as m; print(" ".join(f"{n} {m.version(n)}" for n in '
                           '("fastai", "fastcore", "ipython", "matplotlib", "torch", "torchvision", "numpy")))'],
                          check=True, capture_output=True, text=True).stdout.strip()
    print(f"Colab-like environment ({time.time() - t0:.0f} s): {vers}", flush=True)
    if not re.search(r'fastcore [2-9]', vers): raise SystemExit('the Colab-like environment has no fastcore 2.x: it would not rehearse Colab')
    return py

def build_wheel(work:Path, deps_python:Path)->Path:
    wheels = work/'wheels'
    subprocess.run([str(deps_python), '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(wheels), str(ROOT)], check=True)
    wheel, = wheels.glob('*.whl')
    return wheel

# Runs inside the Colab-like venv: argv = notebook, tst_flags, install-cell text, scripts folder, mode.
_RUN = r'''
import importlib.metadata as md, json, os, re, shutil, sys, tempfile
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell
nb_path, flags, install, scripts, mode = Path(sys.argv[1]), set(sys.argv[2].split()), sys.argv[3], Path(sys.argv[4]), sys.argv[5]
MARK = sys.argv[6]
def versions(): return {re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version for d in md.distributions()}
def fail(msg): print(f'REHEARSAL FAILED: {msg}', flush=True); sys.exit(1)
def directives(src):
    keys = set()
    for l in src.splitlines():
        if not l.startswith('#|'): break
        w = l[2:].strip().split()
        if w: keys.add(w[0])
        if re.match(r'#\|\s*eval\s*:\s*false', l, re.I): keys.add('eval: false')
    return keys
shell = InteractiveShell.instance()
cells = [''.join(c['source']) for c in json.loads(nb_path.read_text(encoding='utf-8'))['cells'] if c['cell_type'] == 'code']
inst = [i for i, s in enumerate(cells) if MARK in s]
if len(inst) != 1: fail(f'{len(inst)} install cells (marked {MARK!r}); run tools/colab.py')
before = versions()
import fastcore; colab_fastcore = fastcore.__version__   # already imported, as a Colab kernel may have it
ran = skipped = 0
for i, src in enumerate(cells):
    if i == inst[0]:
        log = Path(tempfile.mkstemp(suffix='.log')[1]); sys.stdout.flush(); sys.stderr.flush()
        saved = os.dup(1), os.dup(2); fd = os.open(log, os.O_WRONLY)
        os.dup2(fd, 1); os.dup2(fd, 2)
        try: res = shell.run_cell(install)
        finally: sys.stdout.flush(); sys.stderr.flush(); os.dup2(saved[0], 1); os.dup2(saved[1], 2)
        out = log.read_text(errors='replace'); print(out, end='', flush=True)
        if not res.success: fail('the install cell raised')
        if shell.user_ns.get('_exit_code', 0): fail(f"pip exited with {shell.user_ns['_exit_code']}")
        errs = [l for l in out.splitlines() if 'ERROR' in l or 'dependency conflict' in l or 'incompatible' in l]
        if errs: fail('pip printed errors:\n' + '\n'.join(errs))
        after = versions()
        changed = {n: (v, after.get(n)) for n, v in before.items() if after.get(n) != v}
        if changed: fail('the install cell changed preinstalled packages: ' + ', '.join(f'{n} {a} -> {b}' for n, (a, b) in sorted(changed.items())))
        added = sorted(f'{n} {v}' for n, v in after.items() if n not in before)
        if 'fastcore' in sys.modules and sys.modules['fastcore'].__version__ != colab_fastcore:
            fail(f"after the install cell the kernel's fastcore is {sys.modules['fastcore'].__version__}, not Colab's {colab_fastcore}")
        private = shell.user_ns.get('_private', '')
        fc1 = [d.version for d in md.distributions(path=[private]) if d.metadata['Name'] == 'fastcore'] if private else []
        print(f'install cell: no pip error, {len(before)} preinstalled packages unchanged, added: {", ".join(added) or "nothing"}; '
              f"nbdev {sys.modules['nbdev'].__version__} with fastcore {fc1} in {private}, kernel fastcore {colab_fastcore}", flush=True)
        for f in Path(sys.executable).parent.iterdir():   # console scripts onto PATH, away from the interpreter (as on Colab)
            if f.is_file() and not f.name.startswith(('python', 'activate', 'Activate', 'pip')): shutil.move(f, scripts/f.name)
        if mode == 'install':
            r = shell.run_cell('import fastai.vision.all')
            if not r.success: fail('fastai no longer imports after the install cell')
            print('fastai still imports after the install cell', flush=True)
            sys.exit(0)
        continue
    if directives(src) & (flags | {'eval: false'}): skipped += 1; continue
    ran += 1
    print(f'-- code cell {i}: {src.splitlines()[0][:70] if src.strip() else ""}', flush=True)   # where a timeout struck
    if not shell.run_cell(src).success: fail(f'code cell {i} raised:\n{src[:800]}')
print(f'notebook: {ran} code cells ran, {skipped} skipped (flagged), in an empty folder', flush=True)
'''

def own_install_cell(nb:Path)->str:
    "The notebook's install cell, as written."
    cells = [''.join(c['source']) for c in json.loads(nb.read_text(encoding='utf-8'))['cells'] if c['cell_type'] == 'code']
    return next((s for s in cells if MARK in s), '')

def install_text(nb:Path, wheel:Path, content:Path, installed:bool=False)->str:
    """The notebook's own install cell, with the library's `git+` requirement -> `wheel` and `/content` -> `content`.
    `installed`: the cell is the very text whose install was rehearsed already (the first notebook's), so its pip line for the
    library (seconds of resolution that find it installed) is left out; the rest of the cell (nbdev 2's private folder, the
    kernel's own fastcore kept) runs as written, and the checks that nothing preinstalled changed still apply."""
    src = own_install_cell(nb)
    spec = lib_spec(settings())
    if spec not in src: return src   # the runner then fails on a missing cell, or pip on the spec
    out = src.replace(spec, f"{settings()['lib_name']} @ {wheel.as_uri()}").replace(repr(COLAB_DIR), repr(str(content))).replace(COLAB_DIR + '/', f'{content}/')
    if installed:
        line = next(l for l in out.splitlines() if wheel.as_uri() in l)
        out = out.replace(line, line[:len(line) - len(line.lstrip())] + 'pass   # installed by the first notebook\'s identical cell')
    return out

LONGEST = ('baselines', 'condense', 'tm', 'cli', 'distributed', 'sets', 'evaluate', 'cafe', 'pretrain', 'presets', 'figures', 'smoke')   # by their last CI times

def _expected_order(nb:Path)->tuple:
    "Sort key: the notebooks known to take longest first (by the name after the number), then the rest in file order."
    name = nb.stem.split('_', 1)[-1]
    return (LONGEST.index(name) if name in LONGEST else len(LONGEST), nb.name)

def rehearse(nb:Path, py:Path, work:Path, wheel:Path, flags:str, timeout:int, mode:str='all', installed:bool=False)->tuple:
    "Copy `nb` alone into an empty folder and run its install cell (and, unless mode='install', all of it); (name, ok, seconds, output)."
    d = Path(tempfile.mkdtemp(prefix=f'{nb.stem}_', dir=work))
    content = d/'content'; content.mkdir()
    shutil.copy(nb, d/nb.name)
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV', 'IN_TEST')}
    env.update(OMP_NUM_THREADS=env.get('OMP_NUM_THREADS', '1'), MAS_NBDEV_RAW=ROOT.as_uri(), PIP_DISABLE_PIP_VERSION_CHECK='1',
               HOME=str(d), MPLBACKEND='Agg', PATH=f"{work/'scripts'}:{py.parent}:{env.get('PATH', '')}",
               PIP_CACHE_DIR=str(work/'pip-cache'))   # one machine's pip cache, as a Colab runtime has one: wheels are fetched once
    args = [str(py), '-c', _RUN, str(d/nb.name), flags, install_text(nb, wheel, content, installed), str(work/'scripts'), mode, MARK]
    t0 = time.time()
    try:
        r = subprocess.run(args, cwd=d, env=env, capture_output=True, text=True, timeout=timeout)
        ok, out = r.returncode == 0, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        part = ''.join(x.decode(errors='replace') if isinstance(x, bytes) else (x or '') for x in (e.stdout, e.stderr))
        ok, out = False, part + f'\ntimed out after {timeout} s'
    return nb.name, ok, time.time() - t0, out

def resolve()->int:
    "Resolve runtime requirements + dev pins (no install) for min_python, Colab's Python, and the Python before min_python."
    cfg = settings()
    reqs = cfg['requirements'].split() + cfg['dev_requirements'].split()
    major, minor = map(int, cfg['min_python'].split('.'))
    def one(v):
        with tempfile.TemporaryDirectory() as t:
            return subprocess.run([sys.executable, '-m', 'pip', 'install', '--dry-run', '--ignore-installed', '-q', '--python-version', v,
                                   '--only-binary=:all:', '--target', t, *reqs], capture_output=True, text=True)
    cases = ((cfg['min_python'], True), (COLAB_PYTHON, True), (f'{major}.{minor - 1}', False))
    with ThreadPoolExecutor(len(cases)) as ex: runs = list(ex.map(one, [v for v, _ in cases]))   # network-bound: side by side
    bad = 0
    for (v, want), r in zip(cases, runs):
        ok = r.returncode == 0
        print(f"{'ok  ' if ok == want else 'FAIL'}  Python {v}: the pins {'resolve' if ok else 'do not resolve'}"
              f" ({'expected' if ok == want else 'min_python in settings.ini is wrong'})", flush=True)
        if ok != want: bad += 1; print('\n'.join(l for l in (r.stdout + r.stderr).splitlines() if 'ERROR' in l)[-1500:])
    return bad

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('nbs', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    p.add_argument('--deps-venv', default=str(ROOT/'.venv'), help="venv that torch/torchvision are linked from (default: the README's .venv)")
    p.add_argument('--jobs', type=int, default=1, help='notebooks run side by side')
    p.add_argument('--timeout', type=int, default=1200, help='seconds per notebook')
    p.add_argument('--install-only', action='store_true', help="run only each notebook's install cell, not the notebooks")
    p.add_argument('--resolve', action='store_true', help='only check that the pins resolve for min_python and Colab, not below')
    p.add_argument('--prepare', metavar='DIR', help='only build the wheel and the Colab-like environment in DIR (CI: in the background)')
    p.add_argument('--work', metavar='DIR', help='use the environment --prepare built in DIR instead of building one')
    a = p.parse_args()
    if a.resolve: sys.exit(1 if resolve() else 0)
    deps_python = _py(Path(a.deps_venv))
    if not deps_python.exists(): sys.exit(f"no python in {a.deps_venv}; create it with the README's set-up command or pass --deps-venv.")
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini')
    flags = cp['DEFAULT'].get('tst_flags', '')
    nbs = [Path(o).resolve() for o in a.nbs] or sorted((ROOT/'nbs').glob('*.ipynb'))
    nbs = [nb for nb in nbs if has_code(json.loads(nb.read_text(encoding='utf-8')))]   # prose pages: nothing to install or run
    t0 = time.time()
    if a.prepare:
        work = Path(a.prepare); work.mkdir(parents=True)
        (work/'scripts').mkdir(); build_wheel(work, deps_python); colab_env(work, deps_python)
        (work/'ready').write_text('built by colab_rehearsal.py --prepare\n'); return
    with (contextlib.nullcontext(a.work) if a.work else tempfile.TemporaryDirectory(prefix='colab_rehearsal_')) as tmp:
        work = Path(tmp)
        if a.work:
            if not (work/'ready').exists(): sys.exit(f"{work} was not built by --prepare (or its build failed)")
            wheel, py = next((work/'wheels').glob('*.whl')), _py(work/'colab')
        else:
            (work/'scripts').mkdir()
            wheel = build_wheel(work, deps_python)
            py = colab_env(work, deps_python)
        print(f"skipping cells flagged: {flags}", flush=True)
        results, failed = [], []
        def show(r):
            name, ok, secs, out = r; results.append(r)
            print(f"{'ok  ' if ok else 'FAIL'}  {name}  ({secs:.0f} s)", flush=True)
            keep = [l for l in out.splitlines() if l.startswith(('install cell:', 'fastai still', 'notebook:', 'REHEARSAL FAILED'))]
            print('\n'.join('      ' + l for l in (keep if ok else out.strip().splitlines()[-30:])), flush=True)
            if not ok: failed.append(name)
        first = rehearse(nbs[0], py, work, wheel, flags, a.timeout, 'install')   # the real install, alone
        show(first)
        if first[1] and not a.install_only:
            with ThreadPoolExecutor(a.jobs) as ex:   # the longest first, so that no long notebook starts last (the order of the results only)
                same = own_install_cell(nbs[0])   # cells identical to the one just rehearsed skip its pip line (see install_text)
                for f in as_completed([ex.submit(rehearse, nb, py, work, wheel, flags, a.timeout, 'all', own_install_cell(nb) == same)
                                       for nb in sorted(nbs, key=_expected_order)]):
                    show(f.result())
        elif first[1]:
            for nb in nbs[1:]: show(rehearse(nb, py, work, wheel, flags, a.timeout, 'install'))
    slow = sorted(results[1:] if len(results) > 1 else results, key=lambda r: -r[2])[:5]   # the first entry is the lone install
    print('five slowest: ' + ', '.join(f"{n} {s:.0f} s" for n, _, s, _ in slow))
    print(f"colab rehearsal: {len(results) - len(failed)} passed, {len(failed)} failed, {time.time() - t0:.0f} s in all")
    if failed: sys.exit(f"failed on the Colab-like environment: {', '.join(failed)}")

if __name__ == '__main__': main()
