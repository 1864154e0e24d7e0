"""Benchmark: condensation split over processes (torch.distributed on 127.0.0.1: gloo on the CPU, NCCL with --device cuda), and the FLOP split per rank.

    OMP_NUM_THREADS=1 python bench/bench_distributed.py [--iterations 6] [--procs 1 2] [--device cpu|cuda]

Part 1 runs the digits preset (MAS, ipc 1) for `--iterations` outer iterations with 1 and with 2 processes
(`torchrun --nproc_per_node N` on the loopback interface; one torch thread each; on the CPU with gloo by default,
on one GPU per process with NCCL with `--device cuda`), and prints seconds per
outer iteration (median after the first, which also counts FLOPs), the speed-up, and the share of each
outer iteration spent in matching, in the network update and in communication (the broadcast of the
network after each update), as recorded in the run's history. On a 2-core machine this is indicative only.

Part 2 counts FLOPs (torch.utils.flop_counter, on the meta device: shapes only, nothing computed) of one
class's matching step and of one network update (`n_data` real images) at the published settings of
CIFAR-100 ipc 10 (ConvNet-3) and ImageNet-100 ipc 10 (ResNetAP-10, 224 x 224, factor 3), and scales them
to 1, 2, 4 and 8 ranks: each rank matches its share of the classes, and every rank repeats the network
update. Augmentation is left out of the count (a few element-wise operations per pixel).
"""
import argparse, json, math, os, socket, statistics, subprocess, sys, tempfile, textwrap
from pathlib import Path
import torch
from torch.utils.flop_counter import FlopCounterMode
from mas_nbdev.presets import condense_settings
from mas_nbdev.losses import match_loss
from mas_nbdev.models import spec_from_settings
from mas_nbdev.models import make_net
from mas_nbdev.augment import DSA
from mas_nbdev.train import sgd

RUN = textwrap.dedent("""
    import json, os, sys, statistics, torch
    torch.set_num_threads(1)
    from mas_nbdev.condense import condense
    syn = condense('digits', ipc=1, method='mas', iterations=int(sys.argv[1]), progress=False, device=sys.argv[2])
    if int(os.environ.get('RANK', 0)) == 0:
        h = syn.history[1:]
        print(json.dumps({k: statistics.median(r[k] for r in h) for k in ('seconds', 'seconds_match', 'seconds_net', 'seconds_comm')}))
""")

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def timing(procs, iterations, device):
    "Median seconds per outer iteration (and its parts) of the digits preset on `procs` processes."
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp)/'run.py').write_text(RUN)
        env = {**os.environ, 'OMP_NUM_THREADS': '1', 'GLOO_SOCKET_IFNAME': 'lo', 'PYTHONPATH': str(Path(__file__).resolve().parents[1])}
        cmd = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', str(procs), '--master_addr', '127.0.0.1',
               '--master_port', str(free_port()), str(Path(tmp)/'run.py'), str(iterations), device]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])

def flops(fn):
    with FlopCounterMode(display=False) as c: fn()
    return c.get_total_flops()

def split(name, classes, shape, ipc, **overrides):
    "FLOPs of one class's matching step and of one network update, at the published settings (meta device)."
    s = condense_settings(name, ipc, 'mas', **overrides)
    data = type('Shape', (), dict(channels=shape[0], num_classes=classes, im_size=shape[1:]))()
    net = make_net(spec_from_settings(data, s), 'meta')
    n_syn = min(ipc * s['factor'] ** 2, s['batch_syn_max'])
    real = torch.empty(s['batch_real'], *shape, device='meta')
    syn = torch.empty(n_syn, *shape, device='meta', requires_grad=True)
    match = flops(lambda: torch.autograd.grad(match_loss(net, real, syn, 0, DSA(''), s['metric']), syn))
    x, y = torch.empty(s['net_batch'], *shape, device='meta'), torch.zeros(s['net_batch'], dtype=torch.long, device='meta')
    opt = sgd(net, s['net_lr'], s['net_momentum'], s['net_weight_decay'])
    def train_step():   # one SGD step of the network update (train_epoch's body, without its loss bookkeeping)
        opt.zero_grad(); torch.nn.functional.cross_entropy(net(x), y).backward(); opt.step()
    update = flops(train_step) * math.ceil(s['n_data'] / s['net_batch'])
    return match, update, s

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--iterations', type=int, default=6); p.add_argument('--procs', type=int, nargs='+', default=[1, 2])
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'], help='cpu: gloo (the default, on any machine); cuda: one GPU per process, NCCL')
    args = p.parse_args()
    if args.device == 'cuda' and max(args.procs) > torch.cuda.device_count():
        p.error(f"--device cuda needs a GPU per process: this machine has {torch.cuda.device_count()}, --procs asks for {max(args.procs)}")
    backend = 'NCCL on one GPU per process' if args.device == 'cuda' else 'gloo on the CPU'
    print(f"bench_distributed: torch {torch.__version__}, {os.cpu_count()} CPUs, {backend}, 127.0.0.1")
    print(f"\n1. digits preset (MAS, ipc 1, 10 classes), {args.iterations} outer iterations, 1 torch thread per process")
    print(f"{'processes':>9s} {'s/outer it':>11s} {'speed-up':>9s} {'matching':>9s} {'net update':>11s} {'comm':>6s}")
    base = None
    for n in args.procs:
        t = timing(n, args.iterations, args.device)
        base = base or t['seconds']
        parts = [t[f'seconds_{k}'] / t['seconds'] for k in ('match', 'net', 'comm')]
        print(f"{n:9d} {t['seconds']:11.3f} {base / t['seconds']:8.2f}x " + ' '.join(f"{100 * x:8.0f}%" for x in parts[:1])
              + f" {100 * parts[1]:10.0f}% {100 * parts[2]:5.0f}%")
    print("\n2. FLOPs per rank and outer iteration (100 inner steps for CIFAR; the preset's for ImageNet), counted on one step and scaled")
    cases = [('CIFAR-100 ipc 10, ConvNet-3', 'cifar100', 100, (3, 32, 32), 10),
             ('ImageNet-100 ipc 10, ResNetAP-10', 'imagenet100', 100, (3, 224, 224), 10)]
    print(f"{'setting':34s} {'ranks':>5s} {'matching TFLOP':>15s} {'net update TFLOP':>17s} {'total TFLOP':>12s} {'speed-up':>9s} {'net share':>10s}")
    for title, name, k, shape, ipc in cases:
        try: match, update, s = split(name, k, shape, ipc)
        except Exception as e: print(f"{title:34s} not counted: {type(e).__name__}: {e}"); continue
        steps = s['inner_loop']
        one = (k * match + update) * steps
        for w in (1, 2, 4, 8):
            m, u = math.ceil(k / w) * match * steps, update * steps
            print(f"{title:34s} {w:5d} {m / 1e12:15.1f} {u / 1e12:17.1f} {(m + u) / 1e12:12.1f} {one / (m + u):8.2f}x {100 * u / (m + u):9.0f}%")

if __name__ == '__main__': main()
