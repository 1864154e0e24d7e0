"""Benchmark: what `precision='bf16'` (bfloat16 autocast in matching and the network update) does to accuracy and speed.

    OMP_NUM_THREADS=1 python bench/bench_precision.py                 # the digits preset, MAS, ipc 1, seeds 0-4, on the CPU
    python bench/bench_precision.py --device cuda --ipc 1 2

For every seed and ipc, one run per precision from the same seed (so the pool, the initial images and every draw
are shared; only the arithmetic differs), alternating the order per seed. Each synthetic set is evaluated with
the preset's protocol in float32 (evaluation never uses autocast), so the accuracies are comparable. Printed: per
run, the final test accuracy (mean of the preset's evaluation runs) and the median seconds per outer iteration
(the first left out); per ipc, the mean and standard deviation over seeds, and the paired difference bf16 - fp32
with its standard deviation. On a CPU without bfloat16 units the speed column says nothing about a GPU.

The output committed in bench/results/ was made with
    OMP_NUM_THREADS=1 python bench/bench_precision.py | tee bench/results/bench_precision_cpu.txt
"""
import argparse, os, statistics, time
import torch
from mas_nbdev.condense import condense
from mas_nbdev.models import spec_from_settings
from mas_nbdev.presets import eval_settings
from mas_nbdev.datasets import get_dataset
from mas_nbdev.evaluate import evaluate

def run(data, ipc, method, seed, precision, device):
    "(test accuracy %, median seconds per outer iteration) of one condensation and its float32 evaluation."
    syn = condense(data, ipc=ipc, method=method, seed=seed, precision=precision, device=device, progress=False)
    x, y = syn.decode()
    acc = evaluate(x, y, data[1], **eval_settings(syn.settings), spec=spec_from_settings(data[0], syn.settings), device=device, seed=seed)
    secs = statistics.median(h['seconds'] for h in syn.history[1:]) if len(syn.history) > 1 else syn.history[0]['seconds']
    return acc.mean, secs

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='digits'); p.add_argument('--method', default='mas')
    p.add_argument('--ipc', type=int, nargs='+', default=[1]); p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    p.add_argument('--device', default=None)
    args = p.parse_args()
    device = torch.device(args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"
    data = get_dataset(args.dataset)
    print(f"bench_precision: {args.dataset}, {args.method}, seeds {args.seeds}, device {name}, torch {torch.__version__}")
    t0 = time.perf_counter()
    for ipc in args.ipc:
        res = {'fp32': [], 'bf16': []}
        for i, seed in enumerate(args.seeds):
            for precision in (('fp32', 'bf16') if i % 2 == 0 else ('bf16', 'fp32')):
                res[precision].append(run(data, ipc, args.method, seed, precision, device))
            (a32, s32), (a16, s16) = res['fp32'][-1], res['bf16'][-1]
            print(f"  ipc {ipc} seed {seed}: fp32 {a32:.1f}% ({s32:.2f} s/it), bf16 {a16:.1f}% ({s16:.2f} s/it), difference {a16 - a32:+.1f}", flush=True)
        acc = {k: [a for a, _ in v] for k, v in res.items()}
        diff = [b - a for a, b in zip(acc['fp32'], acc['bf16'])]
        sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.
        print(f"ipc {ipc}: fp32 {statistics.mean(acc['fp32']):.1f} ± {sd(acc['fp32']):.1f}, bf16 {statistics.mean(acc['bf16']):.1f} ± {sd(acc['bf16']):.1f} "
              f"(test accuracy %, {len(args.seeds)} seeds); paired difference bf16 - fp32 {statistics.mean(diff):+.2f} ± {sd(diff):.2f}; "
              f"seconds per outer iteration fp32 {statistics.median(s for _, s in res['fp32']):.2f}, bf16 {statistics.median(s for _, s in res['bf16']):.2f}")
    print(f"({time.perf_counter() - t0:.0f} s in all)")

if __name__ == '__main__': main()
