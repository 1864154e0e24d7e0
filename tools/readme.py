"""README.md from nbs/index.ipynb without Quarto (`nbdev_readme` needs it): the index's markdown cells, in order.

Two things are rewritten for GitHub, which shows README.md from the repository's root: a link to a notebook
(`12_condense.ipynb#anchor`, relative to nbs/) becomes the link to its page on the docs site
(`https://USER.github.io/REPO/condense.html#anchor`, nbdev's page name), an image under nbs/figures
(`figures/x.png`) gets its path from the root, and a Quarto callout (`::: {.callout-warning}` ... `:::`)
becomes a GitHub alert (`> [!WARNING]`).

    python tools/readme.py           # write README.md
    python tools/readme.py --check   # exit 1 when README.md is not what the index gives, or its results tables are not
                                     # the committed results' (CI)

The landing page's results and speed-up tables are pasted from the committed results files; `--check` regenerates
each (`SHOWN`: file, dataset, ipc, table) with `mas_nbdev.figures.results_table` or `table_speedup` and fails when
README.md does not hold it verbatim, so a rerun of the table cannot leave stale numbers on the landing page.
"""
import argparse, configparser, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def site()->str:
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini', encoding='utf-8')
    return f"{cp['DEFAULT']['doc_host']}{cp['DEFAULT']['doc_baseurl']}".rstrip('/')

_re_num = re.compile(r'^\d+[a-zA-Z0-9]*_')   # nbdev's page names drop the number: 12_condense -> condense

def for_github(md:str, site:str)->str:
    "Notebook links -> the docs site's pages; Quarto callouts -> GitHub alerts."
    def page(m): return f"]({site}/{_re_num.sub('', m[1].lower())}.html{m[2] or ''})"
    md = re.sub(r'\]\((?!\w+:)([\w-]+)\.ipynb(#[^)\s]*)?\)', page, md)
    md = re.sub(r'\]\(figures/', '](nbs/figures/', md)   # the figures' paths from the repository's root
    def alert(m): return '\n'.join([f'> [!{m[1].upper()}]'] + [f'> {l}'.rstrip() for l in m[2].strip('\n').splitlines()])
    return re.sub(r'^::: *\{\.callout-(note|tip|important|warning|caution)[^}]*\} *\n(.*?)^::: *$', alert, md, flags=re.M | re.S)

def readme()->str:
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    md = '\n\n'.join(''.join(c['source']).strip('\n') for c in nb['cells'] if c['cell_type'] == 'markdown') + '\n'
    return for_github(md, site())

SHOWN = [('table_fashion_mnist.json', 'fashion_mnist', ipc, table) for table in ('results', 'speedup') for ipc in (1, 10)]   # tables the landing page shows: (file in nbs/figures, dataset, ipc, which)

def stale_tables(text:str)->list:
    "The SHOWN tables that README's text does not hold as the committed results give them now."
    sys.path.insert(0, str(ROOT))
    from mas_nbdev.experiments import load_results
    from mas_nbdev.figures import results_table, table_speedup
    out, files = [], {name: load_results(ROOT/'nbs'/'figures'/name) for name, *_ in SHOWN}   # each file read once
    for name, dataset, ipc, which in SHOWN:
        table = {'results': results_table, 'speedup': table_speedup}[which](files[name], dataset, ipc)
        if table not in text: out.append(f"{name} ({dataset}, ipc {ipc}, {which}):\n{table}")
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='only check; exit 1 when README.md differs from the index')
    a = p.parse_args()   # --help prints and exits here, before anything is written
    text, path = readme(), ROOT/'README.md'
    if a.check:
        if path.read_text(encoding='utf-8') != text: sys.exit("README.md differs from nbs/index.ipynb: edit the index, then run `python tools/readme.py`.")
        stale = stale_tables(text)
        if stale: sys.exit("The landing page (nbs/index.ipynb) does not show these committed results as results_table and table_speedup give them now; "
                           "paste them into the index, then run `python tools/readme.py`:\n\n" + '\n\n'.join(stale))
        print('README.md matches nbs/index.ipynb')
    else: path.write_text(text, encoding='utf-8'); print('wrote README.md')

if __name__ == '__main__': main()
