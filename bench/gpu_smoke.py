"""The GPU smoke test, from a checkout: every GPU path of the library once, with tiny settings, and a table of results.

    python bench/gpu_smoke.py                # cuda:0
    python bench/gpu_smoke.py --device cpu   # the steps that need no GPU; the others report "skipped: no GPU"

The same as `python -m mas_nbdev.smoke` (the code and its explanation are in nbs/18_smoke.ipynb); exit status 1 when a
step failed. On a GPU machine without the network, carry the wheels of fastcore, fastprogress and filelock
(`pip download fastcore fastprogress filelock -d wheels/` where there is a network, then
`pip install --no-index --find-links wheels/ fastcore fastprogress filelock`).
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's library, installed or not
from mas_nbdev.smoke import smoke_cli

if __name__ == "__main__": smoke_cli()
