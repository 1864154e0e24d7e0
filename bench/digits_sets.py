"""Condense the three small digits sets that nbs/15_sets.ipynb evaluates (MAS, DSA and DM at 1 image per class, the digits
presets, seed 0) and save them in the library's safe format under nbs/figures/ (about 10 KB each; 2-3 minutes on one CPU core).

    OMP_NUM_THREADS=1 python bench/digits_sets.py
"""
import time
from pathlib import Path
import torch
from mas_nbdev.condense import condense

OUT = Path(__file__).resolve().parents[1]/'nbs'/'figures'

if __name__ == '__main__':
    torch.set_num_threads(1)
    for method in ('mas', 'dsa', 'dm'):
        t = time.time()
        syn = condense('digits', 1, method, seed=0, progress=False, eval_at=())
        path = syn.save(OUT/f"digits_set_{method}_ipc1.pt")
        print(f"{method}: {syn} in {time.time() - t:.0f} s -> {path}")
