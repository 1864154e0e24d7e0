"""Colab rehearsal: run each notebook the way a Colab user opening just that file would.

For every notebook (default: all of nbs/*.ipynb) this
1. builds a wheel of the library (`pip wheel --no-deps .`) and installs it, with `--no-deps`, into a fresh
   virtual environment outside the repository. The fresh environment sees the *dependencies* (torch, nbdev,
   ...) of an existing one (default: the README's `.venv` at the repository root) through a `.pth` file
   listing that environment's site-packages; a directory listed in a `.pth` file is not itself scanned for
   `.pth` files, so that environment's editable install of this library stays invisible, and the check below
   proves that `import mas_nbdev` finds the wheel;
   Its console scripts are moved out of the interpreter's folder onto PATH, as on Colab (interpreter
   /usr/bin/python3, scripts in /usr/local/bin);
2. copies the notebook ALONE into an empty temporary folder outside the repository (no `nbs/figures/`, no
   `settings.ini`, no checkout on `sys.path`), and executes it there with nbdev's test machinery
   (`nbdev.test.test_nb`), skipping the cells flagged with settings.ini's `tst_flags` (`slow`, `gpu`,
   `long`, ...), in the fresh environment.

A notebook that reads a file by a path relative to `nbs/`, or runs a script it finds next to the repository's
interpreter, fails here. Colab would fetch committed results from the repository's raw URL; the rehearsal,
which has no network, points that URL at the local checkout (`MAS_NBDEV_RAW=file://...`), so the fetch path
itself is exercised. Exits non-zero, naming each failing notebook.

    python tools/colab_rehearsal.py [--deps-venv .venv] [--jobs 1] [nbs/05_perturb.ipynb ...]
"""
import argparse, configparser, os, shutil, subprocess, sys, tempfile, time, venv
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _site_packages(python:Path)->str:
    return subprocess.run([str(python), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                          check=True, capture_output=True, text=True).stdout.strip()

def fresh_env(work:Path, deps_python:Path)->Path:
    "A new venv in `work` holding only the wheel of this library, with `deps_python`'s packages visible."
    wheels = work/'wheels'
    subprocess.run([str(deps_python), '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(wheels), str(ROOT)],
                   check=True)
    env = work/'venv'
    venv.EnvBuilder(with_pip=False).create(env)
    py = env/'bin'/'python'
    Path(_site_packages(py), '_deps.pth').write_text(_site_packages(deps_python) + '\n')
    wheel, = wheels.glob('*.whl')
    subprocess.run([str(deps_python), '-m', 'pip', '--python', str(py), 'install', '--no-deps', '-q', str(wheel)], check=True)
    # Colab's console scripts land in /usr/local/bin while its interpreter is /usr/bin/python3: move ours out
    # of the interpreter's folder too (onto PATH), so a notebook that looks for a script next to
    # `sys.executable` fails here as it would there.
    scripts = work/'scripts'; scripts.mkdir()
    for f in (env/'bin').iterdir():
        if f.is_file() and not f.name.startswith(('python', 'activate', 'Activate', 'pip')): shutil.move(f, scripts/f.name)
    where = subprocess.run([str(py), '-c', 'import mas_nbdev; print(mas_nbdev.__file__)'], cwd=work,
                           check=True, capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(env)):
        raise SystemExit(f"the fresh environment imports mas_nbdev from {where}, not from its wheel install; "
                         "the rehearsal would not test what a user installs.")
    print(f"fresh environment {env}: mas_nbdev from {where}", flush=True)
    return py

_RUN = """
import sys
from pathlib import Path
from nbdev.test import test_nb
ok, secs = test_nb(Path(sys.argv[1]), skip_flags=sys.argv[2].split(), showerr=True)
sys.exit(0 if ok else 1)
"""

def rehearse(nb:Path, py:Path, work:Path, flags:str, timeout:int)->tuple:
    "Copy `nb` alone into an empty folder and execute it there with `py`; (name, ok, seconds, error tail)."
    d = Path(tempfile.mkdtemp(prefix=f'{nb.stem}_', dir=work))
    shutil.copy(nb, d/nb.name)
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    env.update(OMP_NUM_THREADS=env.get('OMP_NUM_THREADS', '1'), MAS_NBDEV_RAW=ROOT.as_uri(),
               HOME=str(d), MPLBACKEND='Agg', PATH=f"{work/'scripts'}:{py.parent}:{env.get('PATH', '')}")
    t0 = time.time()
    try:
        r = subprocess.run([str(py), '-c', _RUN, str(d/nb.name), flags], cwd=d, env=env,
                           capture_output=True, text=True, timeout=timeout)
        ok, err = r.returncode == 0, (r.stdout + r.stderr)
    except subprocess.TimeoutExpired: ok, err = False, f'timed out after {timeout} s'
    return nb.name, ok, time.time() - t0, err

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('nbs', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    p.add_argument('--deps-venv', default=str(ROOT/'.venv'), help="venv whose packages the fresh one sees (default: the README's .venv)")
    p.add_argument('--jobs', type=int, default=1, help='notebooks run side by side')
    p.add_argument('--timeout', type=int, default=900, help='seconds per notebook')
    a = p.parse_args()
    deps_python = Path(a.deps_venv)/'bin'/'python'
    if not deps_python.exists(): sys.exit(f"no python in {a.deps_venv}; create it with the README's set-up command or pass --deps-venv.")
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini')
    flags = cp['DEFAULT'].get('tst_flags', '')
    nbs = [Path(o).resolve() for o in a.nbs] or sorted((ROOT/'nbs').glob('*.ipynb'))
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix='colab_rehearsal_') as tmp:
        work = Path(tmp)
        py = fresh_env(work, deps_python)
        print(f"skipping cells flagged: {flags}", flush=True)
        results, failed = [], []
        with ThreadPoolExecutor(a.jobs) as ex:
            for f in as_completed([ex.submit(rehearse, nb, py, work, flags, a.timeout) for nb in nbs]):
                name, ok, secs, err = r = f.result(); results.append(r)
                print(f"{'ok  ' if ok else 'FAIL'}  {name}  ({secs:.0f} s)", flush=True)
                if not ok: failed.append(name); print('\n'.join('      ' + l for l in err.strip().splitlines()[-25:]), flush=True)
    print(f"colab rehearsal: {len(results) - len(failed)} passed, {len(failed)} failed, {time.time() - t0:.0f} s in all")
    if failed: sys.exit(f"failed alone in a fresh environment: {', '.join(failed)}")

if __name__ == '__main__': main()
