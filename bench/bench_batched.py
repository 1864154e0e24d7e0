"""Benchmark: batched matching (all classes in one pass) against the per-class loop, side by side.

    python bench/bench_batched.py --device cuda                          # the published CIFAR settings, 100 inner steps
    OMP_NUM_THREADS=1 python bench/bench_batched.py --device cpu --inner-loop 2 --per-class 200 --configs digits:1 cifar10:1 cifar10:10 cifar100:1

Each configuration (dataset:ipc) is condensed with MAS for 2 outer iterations per run, alternating loop and
batched (loop-batched, batched-loop, ...) for `--rounds` rounds, from one early-stage pool built once per
dataset; the second iteration's seconds are used (the first also counts FLOPs). Datasets `cifar10` and
`cifar100` are generated tensors of CIFAR's shape (3 x 32 x 32, `--per-class` images per class) condensed
with the published CIFAR preset (their accuracy means nothing; the cost per iteration is CIFAR's); `digits`
is the offline digits preset. With fewer inner steps than the preset's (`--inner-loop`), the seconds per
outer iteration are scaled to the preset's inner steps, and the table says so.

Also printed: peak GPU memory per run (torch.cuda.max_memory_allocated), the pool's one-off cost, and the
projection of a whole run with the published iteration counts (MAS 400, IDC 2000 outer iterations) next to
the paper's GPU hours on one RTX 2080.

`--switches` measures instead the GPU settings that leave the method alone (and the two opt-ins that do not),
each against torch's defaults, on one configuration (`--configs`, default cifar10:10), batched path, rounds
alternating default / switch: TF32 for matrix products (`torch.backends.cuda.matmul.allow_tf32`; convolutions
already use TF32 by torch's default, `cudnn.allow_tf32`, whose cost is measured by turning it off),
`cudnn.benchmark`, channels-last networks, `precision='bf16'` and `deterministic=True`.

    python bench/bench_batched.py --device cuda --switches
"""
import argparse, os, statistics, time, warnings
import torch
from mas_nbdev.condense import condense, _get_pool
from mas_nbdev.models import spec_from_settings
from mas_nbdev.presets import condense_settings
from mas_nbdev.datasets import get_dataset
from mas_nbdev.data import from_tensors

PAPER_HOURS = {('cifar10', 1): (4.44, 21.7), ('cifar10', 10): (4.45, 22.2), ('cifar10', 50): (6.11, 29.4),
               ('cifar100', 1): (25.1, 125), ('cifar100', 10): (25.6, 127)}   # (MAS 5x fewer, IDC), RTX 2080 hours

def load(name, per_class):
    "(train, test): the digits, or generated uint8 tensors of CIFAR's shape (same every call)."
    if name == 'digits': return get_dataset('digits')
    k, g = {'cifar10': 10, 'cifar100': 100}[name], torch.Generator().manual_seed(0)
    def make(n):
        y = torch.arange(k).repeat_interleave(n)
        return from_tensors(torch.randint(0, 256, (len(y), 3, 32, 32), dtype=torch.uint8, generator=g), y, k, name='custom')
    return make(per_class), make(max(1, per_class // 10))

def timed_run(data, ipc, pool, batched, inner_loop, device):
    "Seconds of the second outer iteration, its peak GPU memory (MiB, or None), and the chunk size that fit."
    if device.type == 'cuda': torch.cuda.reset_peak_memory_stats()
    syn = condense(data, ipc=ipc, method='mas', iterations=2, inner_loop=inner_loop, pool=pool, device=device,
                   batched=batched, progress=False)
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == 'cuda' else None
    return syn.history[1]['seconds'], peak

SWITCHES = ('no TF32 convolutions', 'TF32 matmuls', 'cudnn.benchmark', 'channels-last', "precision='bf16'", 'deterministic=True')

class switched:
    "Context manager: one switch of SWITCHES on (None: torch's defaults), restored on exit."
    def __init__(self, name): self.name = name
    def __enter__(self):
        import mas_nbdev.condense as mc
        self.saved = (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.benchmark, mc.network_source)
        if self.name == 'no TF32 convolutions': torch.backends.cudnn.allow_tf32 = False
        if self.name == 'TF32 matmuls': torch.backends.cuda.matmul.allow_tf32 = True
        if self.name == 'cudnn.benchmark': torch.backends.cudnn.benchmark = True
        if self.name == 'channels-last':   # every network of the run converted to channels-last memory format
            source = mc.network_source
            mc.network_source = lambda *a, **k: (lambda f: lambda: f().to(memory_format=torch.channels_last))(source(*a, **k))
        return dict(precision='bf16') if self.name == "precision='bf16'" else dict(deterministic=True) if self.name == 'deterministic=True' else {}
    def __exit__(self, *exc):
        import mas_nbdev.condense as mc
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.benchmark, mc.network_source = self.saved

def run_switches(cfg, args, device, name):
    "Seconds per outer iteration with torch's defaults and with each switch, alternating, on one configuration."
    ds, ipc = cfg.split(':'); ipc = int(ipc)
    train, test = load(ds, args.per_class)
    data = (train.to(device), test.to(device))
    s = condense_settings(train.name, ipc, 'mas')
    inner = args.inner_loop or s['inner_loop']
    pool = _get_pool(None, 'mas', data[0], None, spec_from_settings(data[0], s), s, device)[0]
    def timed(switch):
        with switched(switch) as kw:
            if device.type == 'cuda': torch.cuda.reset_peak_memory_stats()
            syn = condense(data, ipc=ipc, method='mas', iterations=2, inner_loop=inner, pool=pool, device=device, batched=True, progress=False, **kw)
            return syn.history[1]['seconds'] * s['inner_loop'] / inner, torch.cuda.max_memory_allocated() / 2**20 if device.type == 'cuda' else None
    if device.type == 'cuda': timed(None)   # warm-up
    print(f"\nswitches on {cfg}, batched, {inner} inner steps (seconds scaled to {s['inner_loop']}), device {name}")
    print(f"{'switch':22s} {'default s/it':>13s} {'switched s/it':>14s} {'ratio':>7s} {'peak MiB default/switched':>26s}")
    for sw in SWITCHES:
        if device.type != 'cuda' and sw in SWITCHES[:3]: print(f"{sw:22s} {'(CUDA only)':>13s}"); continue
        base, on = [], []
        for r in range(args.rounds):
            for which in ((None, sw) if r % 2 == 0 else (sw, None)):
                (base if which is None else on).append(timed(which))
        b, o = statistics.median(x for x, _ in base), statistics.median(x for x, _ in on)
        mem = f"{max(m for _, m in base):.0f} / {max(m for _, m in on):.0f}" if device.type == 'cuda' else 'n/a (CPU)'
        print(f"{sw:22s} {b:13.2f} {o:14.2f} {b / o:6.2f}x {mem:>26s}", flush=True)
    print("ratio: default / switched seconds (above 1: the switch is faster)")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--switches', action='store_true', help='measure the GPU switches on the first configuration instead')
    p.add_argument('--configs', nargs='+', default=['cifar10:1', 'cifar10:10', 'cifar10:50', 'cifar100:1', 'cifar100:10'])
    p.add_argument('--device', default=None); p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--inner-loop', '--inner_loop', type=int, default=None, help="inner steps per outer iteration (default: the preset's)")
    p.add_argument('--per-class', '--per_class', type=int, default=5000, help='images per class of a generated dataset')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    args = p.parse_args()
    warnings.filterwarnings('ignore', message='the synthetic images barely moved')   # 2 iterations: expected
    if args.threads: torch.set_num_threads(args.threads)
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"
    print(f"bench_batched: MAS, {args.rounds} rounds per configuration, device {name}, torch {torch.__version__}")
    if args.switches: return run_switches(args.configs[0] if args.configs != p.get_default('configs') else 'cifar10:10', args, device, name)
    rows, pools = [], {}
    for cfg in args.configs:
        ds, ipc = cfg.split(':'); ipc = int(ipc)
        train, test = load(ds, args.per_class)
        data = (train.to(device), test.to(device))
        s = condense_settings(train.name, ipc, 'mas')
        inner = args.inner_loop or s['inner_loop']
        if ds not in pools:   # one pool per dataset, its cost measured once
            if device.type == 'cuda': _get_pool(None, 'mas', data[0], None, spec_from_settings(data[0], s), {**s, 'pool_size': 1, 'pool_epochs': 1}, device)
            t0 = time.perf_counter()
            pools[ds] = _get_pool(None, 'mas', data[0], None, spec_from_settings(data[0], s), s, device)[0]
            if device.type == 'cuda': torch.cuda.synchronize()
            print(f"pool for {ds}: {len(pools[ds])} networks x {s['pool_epochs']} epochs on {len(train)} images in {time.perf_counter() - t0:.1f} s")
        if device.type == 'cuda': timed_run(data, ipc, pools[ds], True, 1, device)   # warm-up
        secs, peaks = {False: [], True: []}, {False: 0., True: 0.}
        for r in range(args.rounds):
            for b in ((False, True) if r % 2 == 0 else (True, False)):
                sec, peak = timed_run(data, ipc, pools[ds], b, inner, device)
                secs[b].append(sec * s['inner_loop'] / inner); peaks[b] = max(peaks[b], peak or 0.)
        loop, batched = statistics.median(secs[False]), statistics.median(secs[True])
        rows.append((ds, ipc, inner, s['inner_loop'], loop, batched, peaks))
        print(f"  {cfg}: loop {' '.join(f'{x:.2f}' for x in secs[False])} s, batched {' '.join(f'{x:.2f}' for x in secs[True])} s per outer iteration", flush=True)
    print()
    print(f"{'dataset':9s} {'ipc':>3s} {'inner steps':>12s} {'loop s/it':>10s} {'batched s/it':>13s} {'speed-up':>9s} {'peak MiB loop/batched':>22s}"
          f" {'MAS 400 its (h)':>16s} {'IDC 2000 its (h)':>17s} {'paper MAS / IDC (h)':>20s}")
    for ds, ipc, inner, full, loop, batched, peaks in rows:
        best = min(loop, batched)
        paper = PAPER_HOURS.get((ds, ipc))
        mem = f"{peaks[False]:.0f} / {peaks[True]:.0f}" if device.type == 'cuda' else 'n/a (CPU)'
        steps = f"{inner}" + (f" (x{full / inner:.0f})" if inner != full else '')
        print(f"{ds:9s} {ipc:3d} {steps:>12s} {loop:10.2f} {batched:13.2f} {loop / batched:8.2f}x {mem:>22s}"
              f" {400 * best / 3600:16.2f} {2000 * best / 3600:17.2f} {(f'{paper[0]} / {paper[1]}' if paper else '-'):>20s}")
    if any(r[2] != r[3] for r in rows): print("(x N): measured with fewer inner steps, scaled to the preset's; projections use the faster path.")

if __name__ == '__main__': main()
