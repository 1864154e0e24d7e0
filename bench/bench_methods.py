"""Benchmark: the FLOPs of one iteration of DC, DSA, DM, TM and CAFE at CIFAR-10's shapes, measured, beside BASELINES' cost model and IDC.

    OMP_NUM_THREADS=1 python bench/bench_methods.py [--ipc 1 10 50] [--small 8 16] [--check]

Generated tensors of CIFAR-10's shape (3 x 32 x 32, 10 classes, 300 images each), ConvNet-3 of width 128, the published
settings: DC and DSA with outer_loop/inner_loop 1/1, 10/50, 50/10 at ipc 1/10/50, 256 real images per class, the network
trained on the synthetic set with batch 256; DM with 256 real images per class and a frozen network; TM with N = 50/30/30
student steps on every synthetic image; CAFE's shortest iteration its rules allow (window 10: 10 outer steps, each with 256
real images per class and an accuracy check on 128 per class, and 9 inner loops of 10 epochs on the synthetic set, each
epoch with a check); IDC's outer iteration (100 inner steps of matching every class on 64 real images and up to 128 decoded
images, then the network on 2000 real images) as the reference of the last column. FLOPs are counted by
torch.utils.flop_counter (convolutions and matrix products, forward and backward).

Reduced and scaled, so that the whole bench runs in a few minutes on a 2-core CPU:
- the batches of real images are measured at two small sizes (`--small`, default 8 and 16 per class; CAFE's checks at half
  of them) and the count is extrapolated linearly to 256 (CAFE's checks to 128): every real image passes the same layers,
  so an iteration's FLOPs are an affine function of the real batch;
- DC and DSA: one matching step of all classes (outer_loop=1), plus one epoch of the network on the synthetic set (from a
  run with outer_loop=2, inner_loop=1, less two matching steps), scaled to outer_loop steps and (outer_loop - 1) x inner_loop
  epochs;
- TM: the student unrolled for 1 step on batches of 2 and 5 synthetic images and for 2 steps on 2, extrapolated to N steps
  on every synthetic image (a step's FLOPs are affine in its batch); the expert segments are random vectors;
- CAFE: one outer step and one inner epoch, built into the shortest iteration (10 outer steps and 90 epochs);
- IDC: one inner step at full scale (iterations=1, inner_loop=1), scaled by 100 (about half a minute per ipc).
`--check` also counts DM and one DSA matching step at the full 256 real images per class (ipc 1), to compare with the
extrapolation.

The prediction is BASELINES' cost model (section 6, with the per-method lines of sections 1-4), in units of F, the FLOPs
of one ConvNet-3 forward pass of one 32 x 32 image (measured here): a real image costs 3F in DC/DSA's matching (forward and
parameter gradient), a synthetic image 8F (forward, create-graph backward, the backward through it), an image of a network
epoch 3F; DM costs K (256 + 3 ipc) F; TM N K ipc 8F; CAFE per outer step K (256 * 3 + 128) F and per inner epoch
K (3 ipc + 128) F; IDC 0.82 / 1.11 / 1.82 MF at ipc 1 / 10 / 50. The ratio is measured / predicted. Seconds are not
printed: the reduced runs time nothing useful (bench_dm_official.py times DM against the official code, bench_tm_cafe.py
TM and CAFE at full scale).
"""
import argparse, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from torch.utils.flop_counter import FlopCounterMode
from mas_nbdev.data import ImageData, ClassSampler
from mas_nbdev.models import net_spec, make_net
from mas_nbdev.baselines import DSA_SETTINGS, DM_SETTINGS, normalised_init, dsa_iteration, dm_iteration, SetSGD
from mas_nbdev.presets import METHOD_PRESETS
from mas_nbdev.tm import Experts, tm_iteration, flat_params
from mas_nbdev.cafe import cafe_iteration
from mas_nbdev.condense import condense

K, REAL, ACC = 10, 256, 128   # classes, real images per class, CAFE's check images per class
IDC_PREDICTED = {1: 0.82e6, 10: 1.11e6, 50: 1.82e6}   # BASELINES section 6: one IDC outer iteration, in F

def predicted(method:str, ipc:int)->float:
    "BASELINES' cost model of one iteration, in F."
    if method in ('dc', 'dsa'):
        ol, il = DSA_SETTINGS['loops'][ipc]
        return ol * K * (3 * REAL + 8 * ipc) + (ol - 1) * il * 3 * K * ipc
    if method == 'dm': return K * (REAL + 3 * ipc)
    if method == 'tm': return METHOD_PRESETS['tm']['syn_steps'][ipc] * K * ipc * 8
    if method == 'cafe': return 10 * K * (3 * REAL + ACC) + 90 * K * (3 * ipc + ACC)
    if method == 'idc': return IDC_PREDICTED[ipc]
    raise ValueError(method)

def flops(fn)->int:
    "FLOPs of one call of `fn`."
    with FlopCounterMode(display=False) as c: fn()
    return c.get_total_flops()

def at(n:float, x1:float, f1:float, x2:float, f2:float)->float:
    "The affine function through (x1, f1) and (x2, f2), at n."
    return f1 + (n - x1) * (f2 - f1) / (x2 - x1)

def start(data, ipc:int):
    "A fresh set of ipc random real images per class (normalised, a leaf), its labels, a sampler and a generator."
    x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1))
    return x.requires_grad_(), y, ClassSampler(data, torch.Generator().manual_seed(2)), torch.Generator().manual_seed(3)

def dsa_flops(data, spec, ipc:int, strategy:str, small:tuple)->tuple:
    "(FLOPs of a DC/DSA iteration, how measured): matching steps at two real batches, one epoch on S."
    def run(b, outer_loop=1):
        x, y, sampler, gen = start(data, ipc)
        return flops(lambda: dsa_iteration(x, y, SetSGD(x, 0.1), sampler, spec, outer_loop, 1, b, strategy=strategy, generator=gen))
    m1, m2, two = run(small[0]), run(small[1]), run(small[0], 2)
    step, epoch = at(REAL, small[0], m1, small[1], m2), two - 2 * m1
    ol, il = DSA_SETTINGS['loops'][ipc]
    return ol * step + (ol - 1) * il * epoch, f"{ol} matching steps ({step / 1e9:.1f} GFLOP each) + {(ol - 1) * il} epochs on S ({epoch / 1e9:.2f} GFLOP each)"

def dm_flops(data, spec, ipc:int, small:tuple)->tuple:
    def run(b):
        x, _, sampler, gen = start(data, ipc)
        return flops(lambda: dm_iteration(x, SetSGD(x, 1.0), sampler, spec, b, DM_SETTINGS['strategy'], gen))
    return at(REAL, small[0], run(small[0]), small[1], run(small[1])), "one iteration"

def tm_flops(data, spec, ipc:int)->tuple:
    tm = METHOD_PRESETS['tm']
    n = tm['syn_steps'][ipc]
    P = len(flat_params(make_net(spec)))
    fake = Experts({'buffer_epochs': 4}, '', 2, snapshots=[torch.randn(5, P, generator=torch.Generator().manual_seed(4)) * 0.01 for _ in range(2)])
    def run(steps, b):
        x, y, _, gen = start(data, ipc)
        alpha = torch.tensor(0.01).requires_grad_()
        return flops(lambda: tm_iteration(x, y, SetSGD(x, 100.), alpha, SetSGD(alpha, 1e-5), fake, dict(order=[], pos=0), spec,
                                          steps, 1, 2, b, tm['strategy'], gen))
    f12, f15, f22 = run(1, 2), run(1, 5), run(2, 2)   # 2 and 5 divide K * ipc: every step's batch has that size
    per_step_2, per_image = f22 - f12, (f15 - f12) / 3
    rest = f12 - per_step_2
    step = per_step_2 + (K * ipc - 2) * per_image
    return n * step + rest, f"{n} student steps on {K * ipc} images ({step / 1e9:.1f} GFLOP each)"

def cafe_flops(data, spec, ipc:int, small:tuple)->tuple:
    def run(b):
        x, y, sampler, _ = start(data, ipc)
        unit = {}
        def measure(phase, fn):
            if phase in unit: return fn()
            with FlopCounterMode(display=False) as c: out = fn()
            unit[phase] = c.get_total_flops(); return out
        cafe_iteration(x, y, torch.optim.SGD([x], lr=0.1, momentum=0.5), sampler, spec, outer_cap=2, inner_cap=1, batch_real=b,
                       acc_real=b // 2, generator=torch.Generator().manual_seed(3), measure=measure)
        return unit['outer'], unit['inner']
    (o1, i1), (o2, i2) = run(small[0]), run(small[1])
    outer, inner = at(REAL, small[0], o1, small[1], o2), at(ACC, small[0] // 2, i1, small[1] // 2, i2)
    return 10 * outer + 90 * inner, f"shortest iteration: 10 outer steps ({outer / 1e9:.0f} GFLOP each) + 90 inner epochs ({inner / 1e9:.1f} GFLOP each)"

def idc_flops(data, ipc:int)->tuple:
    "One IDC outer iteration: one inner step at full scale, x 100."
    return 100 * condense(data, ipc=ipc, method='idc', iterations=1, inner_loop=1, device='cpu', progress=False).history[0]['flops'], "one inner step x 100 (full scale)"

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--ipc', type=int, nargs='+', default=[1, 10, 50]); p.add_argument('--per-class', type=int, default=300)
    p.add_argument('--small', type=int, nargs=2, default=[8, 16], help='the two reduced real batches per class')
    p.add_argument('--threads', type=int, default=1); p.add_argument('--check', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    import warnings; warnings.filterwarnings('ignore', message='the synthetic images barely moved')   # one IDC step moves them little
    g = torch.Generator().manual_seed(0)
    data = ImageData(torch.rand(10 * a.per_class, 3, 32, 32, generator=g), torch.arange(10).repeat_interleave(a.per_class), 10,
                     (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010), 'cifar10')
    spec = net_spec(data)
    with torch.no_grad(): F = flops(lambda: make_net(spec).embed(torch.zeros(1, 3, 32, 32)))
    small = tuple(a.small)
    print(f"bench_methods: torch {torch.__version__}, cpu, {a.threads} thread(s); CIFAR-10-shaped generated data, ConvNet-3 width 128; "
          f"F = one forward pass of one image = {F / 1e6:.1f} MFLOP; real batches measured at {small[0]} and {small[1]} per class, extrapolated to {REAL}")
    print(f"{'ipc':>3s} {'method':6s} {'TFLOP/iteration':>16s} {'measured kF':>12s} {'predicted kF':>13s} {'measured/predicted':>19s} {'vs IDC':>8s}   how measured")
    for ipc in a.ipc:
        rows = [('idc', idc_flops(data, ipc)), ('dc', dsa_flops(data, spec, ipc, '', small)), ('dsa', dsa_flops(data, spec, ipc, DSA_SETTINGS['strategy'], small)),
                ('dm', dm_flops(data, spec, ipc, small)), ('tm', tm_flops(data, spec, ipc)), ('cafe', cafe_flops(data, spec, ipc, small))]
        for method, (f, how) in rows:
            pred, idc = predicted(method, ipc), rows[0][1][0]
            flag = '' if 0.5 <= f / F / pred <= 2 else '   <- outside 0.5-2'
            print(f"{ipc:3d} {method:6s} {f / 1e12:16.3f} {f / F / 1e3:12.2f} {pred / 1e3:13.2f} {f / F / pred:19.2f} {f / idc:8.2%}   {how}{flag}", flush=True)
    if a.check:   # the extrapolation against a count at the full real batch (ipc 1)
        x, _, sampler, gen = start(data, 1)
        full = flops(lambda: dm_iteration(x, SetSGD(x, 1.0), sampler, spec, REAL, DM_SETTINGS['strategy'], gen))
        print(f"check, dm ipc 1 at {REAL} real images per class: {full / 1e12:.4f} TFLOP counted, {dm_flops(data, spec, 1, small)[0] / 1e12:.4f} extrapolated")
        x, y, sampler, gen = start(data, 1)
        full = flops(lambda: dsa_iteration(x, y, SetSGD(x, 0.1), sampler, spec, 1, 1, REAL, strategy=DSA_SETTINGS['strategy'], generator=gen))
        print(f"check, dsa ipc 1 (one matching step) at {REAL} real images per class: {full / 1e12:.4f} TFLOP counted, "
              f"{dsa_flops(data, spec, 1, DSA_SETTINGS['strategy'], small)[0] / 1e12:.4f} extrapolated")

if __name__ == '__main__': main()
