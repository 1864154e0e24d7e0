"""The test command of the README: every notebook once, as a Colab user would run it, plus the docs checks.

Each notebook is its own test (its cells hold the checks). Here each one runs *once*, in the Colab-like
environment of `tools/colab_rehearsal.py`: its own install cell first (which must leave every preinstalled
package alone), then every cell not flagged `slow`, `gpu` or `long`, alone in an empty folder, importing the
library from a wheel built from this checkout. That is what `nbdev_test` checks (the same cells, skipped by the
same flags) and what a Colab "Run all" meets, in one run instead of two.

Stages, with their times printed at the end:

1. in the background: the wheel and the Colab-like environment (pip installs), and the pins' resolution for
   `min_python` and Colab's Python (pip's resolver, metadata only);
2. meanwhile, the docs checks: Colab badges and install cells (`tools/colab.py --check`), README is the index and
   shows the committed results (`tools/readme.py --check`), every page through nbdev's processing
   (`tools/render_docs.py --check`);
3. the notebooks, two at a time, the longest first; the five slowest are printed.

    python tools/test.py                              # everything (CI runs this: .ci/run)
    python tools/test.py nbs/05_perturb.ipynb          # these notebooks only (and no docs checks)
    nbdev_test --path nbs/05_perturb.ipynb              # in place, against the editable install (the edit loop)
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

def _run(stage:str, args:list, env:dict=None)->float:
    "Run one check in the foreground, echoing it; exit on failure. The seconds it took."
    print(f"== {stage}", flush=True)
    t0 = time.time()
    r = subprocess.run(args, cwd=ROOT, env=env)
    if r.returncode: sys.exit(f"{stage}: failed (exit {r.returncode})")
    return time.time() - t0

def _wait(stage:str, proc:subprocess.Popen, log:Path):
    "Wait for a background stage; print its log; exit on failure."
    rc = proc.wait()
    print(f"== {stage}", flush=True); print(log.read_text(errors='replace').rstrip(), flush=True)
    if rc: sys.exit(f"{stage}: failed (exit {rc})")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog='Needs the README set-up (.venv with the library).')
    p.add_argument('nbs', nargs='*', help='notebooks to run (default: all, and the docs checks)')
    p.add_argument('--jobs', type=int, default=2, help='notebooks run side by side (default 2, one per core here)')
    a = p.parse_args()
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}   # two notebooks at once: one thread each
    times, t_all = {}, time.time()
    with tempfile.TemporaryDirectory(prefix='mas_nbdev_test_') as tmp:
        tmp = Path(tmp); work = tmp/'w'
        t0 = time.time()
        logs = {k: open(tmp/f'{k}.log', 'w') for k in ('prepare', 'resolve')}
        prepare = subprocess.Popen([PY, 'tools/colab_rehearsal.py', '--deps-venv', str(sys.prefix), '--prepare', str(work)],
                                   cwd=ROOT, stdout=logs['prepare'], stderr=subprocess.STDOUT, env=env)
        resolve = None if a.nbs else subprocess.Popen([PY, 'tools/colab_rehearsal.py', '--resolve'], cwd=ROOT,
                                                      stdout=logs['resolve'], stderr=subprocess.STDOUT, env=env)
        if not a.nbs:
            _run('docs: Colab badges and install cells', [PY, 'tools/colab.py', '--check'], env)
            _run('docs: README is the index, with the committed results', [PY, 'tools/readme.py', '--check'], env)
            _run('docs: every page through nbdev, links and anchors, known defects only', [PY, 'tools/render_docs.py', '--check'], env)
            _wait('pins: resolution for min_python and Colab', resolve, tmp/'resolve.log')
            times['docs checks and pins'] = time.time() - t0
        t1 = time.time()
        _wait('the wheel and the Colab-like environment', prepare, tmp/'prepare.log')
        times['Colab-like environment (after the docs checks)' if not a.nbs else 'Colab-like environment'] = time.time() - t1
        times['notebooks'] = _run('notebooks: each once, on the Colab-like environment (install cell, then every cell not flagged slow/gpu/long)',
                                  [PY, 'tools/colab_rehearsal.py', '--work', str(work), '--jobs', str(a.jobs),
                                   *[str(Path(n).resolve()) for n in a.nbs]], env)
    print('== stage times')
    for k, v in times.items(): print(f"  {v:6.0f} s  {k}")
    print(f"  {time.time() - t_all:6.0f} s  in all")

if __name__ == '__main__': main()
