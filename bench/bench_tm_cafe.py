"""Benchmark: one TM (MTT) and one CAFE iteration beside one IDC outer iteration at CIFAR-10's shapes, in seconds, FLOPs and
memory; the projected memory of TM's unrolled student checked against the memory measured; and the cost of TM's expert buffer.

    OMP_NUM_THREADS=1 python bench/bench_tm_cafe.py [--device cpu] [--steps 3] [--ipc 1 10 50]

Generated tensors of CIFAR-10's shape (3 x 32 x 32, 10 classes, 300 images each), ConvNet-3 of width 128, the published
settings (syn_steps N = 50 / 30 / 30 at ipc 1 / 10 / 50, every synthetic image in every student step). A TM iteration costs
N student steps and one backward through them, so it is measured with `--steps` student steps and scaled by N / steps
(linear in N: each step adds one forward, one double backward and one graph of the same size). The expert segments are
random vectors of the network's size: an iteration's cost does not depend on their values. IDC as in bench_methods.py:
one inner step, scaled by 100. Memory: the bytes autograd saves for the unrolled graph (each storage counted once), measured
at `--steps` steps, against `unroll_memory`'s projection at the same scale; then the projection at the published N, and
the memory measured: on CUDA torch's peak allocation during the iteration; on a CPU, in a fresh process, the growth of the
peak resident memory from an iteration of one student step to one of `--steps` (printed beside the projected growth, the
graph of steps - 1 more steps).
The buffer: FLOPs of one expert epoch on the generated data, scaled to CIFAR-10's 50 000 images, 50 epochs, 100 experts.
The predictions are BASELINES' cost model: TM 0.5% / 2.2% / 6.6% of an IDC outer iteration, the buffer 34% of an IDC ipc-10 run.
CAFE's iterations have no fixed length (its loops stop on accuracy rules): one outer step (256 real images per class, the
feature and discrimination losses, an image step, an accuracy check on 128 real images per class) and one inner epoch (the
network on the synthetic set, batch 256, and a check) are measured, and the shortest iteration the rules allow (window 10:
10 outer steps with 9 inner loops of 10 epochs between them) is built from them; BASELINES predicts >= 23% of an IDC outer
iteration at ipc 10. CAFE's memory: the bytes autograd saves for one outer step (its real features are taken without a graph).
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from torch.utils.flop_counter import FlopCounterMode
from mas_nbdev.data import ImageData
from mas_nbdev.models import net_spec, make_net
from mas_nbdev.condense import condense
from mas_nbdev.baselines import normalised_init, SetSGD
from mas_nbdev.tm import Experts, tm_iteration, unroll_memory, _saved_bytes, student_end, flat_params, train_expert, method_space
from mas_nbdev.presets import METHOD_PRESETS
from mas_nbdev.cafe import cafe_iteration
from mas_nbdev.data import ClassSampler

PREDICTED = {1: 0.005, 10: 0.022, 50: 0.066}

def _child_peak(ipc:int, steps:int, q):
    "In a fresh process: the growth of peak resident memory over one TM iteration (its data and network made first)."
    torch.set_num_threads(1)
    data, spec, tm = _data(), None, METHOD_PRESETS['tm']
    spec = net_spec(data)
    x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1)); x.requires_grad_()
    alpha = torch.tensor(0.01).requires_grad_()
    P = len(flat_params(make_net(spec)))
    fake = Experts({'buffer_epochs': 4}, '', 2, snapshots=[torch.randn(5, P) * 0.01 for _ in range(2)])
    it = lambda: tm_iteration(x, y, SetSGD(x, 100.), alpha, SetSGD(alpha, 1e-5), fake, dict(order=[], pos=0), spec, 1, 1, 2, None, tm['strategy'], torch.Generator().manual_seed(3))
    it()   # one warm-up step: the allocator's and the kernels' one-off memory
    base = _hwm()   # VmHWM, not ru_maxrss: the latter carries the parent's peak over fork and exec
    tm_iteration(x, y, SetSGD(x, 100.), alpha, SetSGD(alpha, 1e-5), fake, dict(order=[], pos=0), spec, steps, 1, 2, None, tm['strategy'], torch.Generator().manual_seed(3))
    q.put(_hwm() - base)

def _hwm()->int:
    "This process's peak resident memory in bytes (Linux: VmHWM of /proc/self/status)."
    line = next(l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:'))
    return int(line.split()[1]) * 1024

def _data():
    g, per = torch.Generator().manual_seed(0), 300
    return ImageData(torch.rand(10 * per, 3, 32, 32, generator=g), torch.arange(10).repeat_interleave(per), 10,
                     (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010), 'cifar10')

def peak_growth(ipc:int, steps:int, dev)->float:
    "Peak memory growth of a TM iteration of `steps` student steps over one of a single step: torch's peak allocation on CUDA, a fresh process's peak RSS on a CPU."
    if dev.type == 'cuda': return None
    import multiprocessing as mp
    ctx = mp.get_context('spawn'); q = ctx.Queue(); p = ctx.Process(target=_child_peak, args=(ipc, steps, q)); p.start()
    out = q.get(); p.join(); return out

def measured(fn):
    with FlopCounterMode(display=False) as c:
        t0 = time.perf_counter(); out = fn(); s = time.perf_counter() - t0
    return s, c.get_total_flops(), out

def cafe_row(data, spec, ipc, dev, idc_s, idc_f):
    "One outer step and one inner epoch of CAFE measured; the shortest iteration its rules allow built from them."
    x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1))
    x = x.to(dev).requires_grad_(); y = y.to(dev)
    unit = {}
    def measure(phase, fn):
        if phase in unit: return fn()
        s, f, out = measured(fn)
        if phase == 'outer': unit['graph'] = _saved_bytes(fn)   # a second step, for its graph alone
        unit[phase] = (s, f); return out
    cafe_iteration(x, y, torch.optim.SGD([x], lr=0.1, momentum=0.5), ClassSampler(data, torch.Generator().manual_seed(2)), spec,
                   outer_cap=2, inner_cap=1, generator=torch.Generator().manual_seed(3), measure=measure)
    (o_s, o_f), (i_s, i_f) = unit['outer'], unit['inner']
    it_s, it_f = 10 * o_s + 90 * i_s, 10 * o_f + 90 * i_f
    pred = {10: '>= 23%'}.get(ipc, '-')
    print(f"{ipc:3d} {'cafe':6s} {it_s:12.2f} {it_f / 1e12:9.3f} {it_s / idc_s:8.1%} {it_f / idc_f:12.1%} {pred:>10s} "
          f"{unit['graph'] / 1e9:15.2f} (one outer step's graph)   shortest iteration: 10 outer steps ({o_s:.2f} s, {o_f / 1e9:.0f} GFLOP each) "
          f"+ 90 inner epochs ({i_s:.3f} s, {i_f / 1e9:.1f} GFLOP each)")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cpu'); p.add_argument('--steps', type=int, default=3)
    p.add_argument('--ipc', type=int, nargs='+', default=[1, 10, 50]); p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    import warnings; warnings.filterwarnings('ignore', message='the synthetic images barely moved')
    g, data = torch.Generator().manual_seed(0), _data()
    spec, dev, tm = net_spec(data), torch.device(a.device), METHOD_PRESETS['tm']
    P = len(flat_params(make_net(spec)))
    fake = Experts({'buffer_epochs': 4}, '', 2, snapshots=[torch.randn(5, P, generator=g) * 0.01 for _ in range(2)])
    print(f"bench_tm_cafe: torch {torch.__version__}, {a.device}, {a.threads} thread(s); CIFAR-10-shaped generated data; ConvNet-3 with {P} parameters")
    print(f"{'ipc':>3s} {'method':6s} {'s/iteration':>12s} {'TFLOP/it':>9s} {'s vs IDC':>9s} {'FLOPs vs IDC':>13s} {'predicted':>10s} "
          f"{'graph GB (measured / projected)':>32s} {'at N, projected':>16s} {'peak growth (measured / projected)':>36s}")
    for ipc in a.ipc:
        idc = condense(data, ipc=ipc, method='idc', iterations=1, inner_loop=1, device=dev, progress=False).history[0]
        idc_s, idc_f = 100 * idc['seconds'], 100 * idc['flops']
        print(f"{ipc:3d} {'idc':6s} {idc_s:12.1f} {idc_f / 1e12:9.2f} {'1':>9s} {'1':>13s} {'1':>10s}   (one inner step x 100)")
        n = tm['syn_steps'][ipc]
        x, y = normalised_init(data, ipc, torch.Generator().manual_seed(1))
        x = x.to(dev).requires_grad_(); y = y.to(dev)
        alpha = torch.tensor(0.01, device=dev).requires_grad_()
        gen = torch.Generator().manual_seed(3)
        if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats(dev); base = torch.cuda.memory_allocated(dev)
        s, f, _ = measured(lambda: tm_iteration(x, y, SetSGD(x, 100.), alpha, SetSGD(alpha, 1e-5), fake, dict(order=[], pos=0), spec,
                                                a.steps, 1, 2, None, tm['strategy'], gen))
        peak = (torch.cuda.max_memory_allocated(dev) - base) if dev.type == 'cuda' else peak_growth(ipc, a.steps, dev)
        tm_s, tm_f = s * n / a.steps, f * n / a.steps
        net = make_net(spec, dev)
        graph = _saved_bytes(lambda: student_end(net, flat_params(net), x, y, alpha, a.steps, None, None, gen))
        proj = unroll_memory(spec, (3, 32, 32), len(x), a.steps, dev)
        if dev.type != 'cuda': graph_growth = graph - unroll_memory(spec, (3, 32, 32), len(x), 1, dev)   # what the CPU figure compares with
        full = unroll_memory(spec, (3, 32, 32), len(x), n, dev)
        print(f"{ipc:3d} {'tm':6s} {tm_s:12.2f} {tm_f / 1e12:9.3f} {tm_s / idc_s:8.1%} {tm_f / idc_f:12.1%} {PREDICTED[ipc]:9.1%} "
              f"{graph / 1e9:15.2f} / {proj / 1e9:.2f} ({proj / graph - 1:+.1%}) {full / 1e9:16.1f} {peak / 1e9:15.2f} / {(graph_growth if dev.type != 'cuda' else graph) / 1e9:.2f}   "
              f"{a.steps} student steps x {n / a.steps:g}")
        cafe_row(data, spec, ipc, dev, idc_s, idc_f)
    xs = method_space(data).to(dev)
    _, epoch_flops = train_expert(xs, data.labels.to(dev), spec, 1, batch=256, strategy=tm['strategy'], device=dev)
    buffer_f = epoch_flops * 50000 / len(data) * tm['buffer_epochs'] * tm['n_experts']
    idc10 = condense(data, ipc=10, method='idc', iterations=1, inner_loop=1, device=dev, progress=False).history[0]['flops'] * 100 * 2000
    print(f"expert buffer (100 experts x 50 epochs of 50 000 images): {buffer_f / 1e15:.2f} PFLOP = {buffer_f / idc10:.0%} of an IDC ipc-10 run "
          f"of 2000 outer iterations (predicted 34%)")

if __name__ == '__main__': main()
