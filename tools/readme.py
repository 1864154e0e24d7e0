"""README.md from nbs/index.ipynb without Quarto (`nbdev_readme` needs it): the index's markdown cells, in order.

    python tools/readme.py           # write README.md
    python tools/readme.py --check   # exit 1 when README.md is not what the index gives (CI)
"""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def readme()->str:
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    return '\n\n'.join(''.join(c['source']).strip('\n') for c in nb['cells'] if c['cell_type'] == 'markdown') + '\n'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='only check; exit 1 when README.md differs from the index')
    a = p.parse_args()   # --help prints and exits here, before anything is written
    text, path = readme(), ROOT/'README.md'
    if a.check:
        if path.read_text(encoding='utf-8') != text: sys.exit("README.md differs from nbs/index.ipynb: edit the index, then run `python tools/readme.py`.")
        print('README.md matches nbs/index.ipynb')
    else: path.write_text(text, encoding='utf-8'); print('wrote README.md')

if __name__ == '__main__': main()
