"""Benchmark: the cost of `data_fingerprint`, which hashes every pixel (SHA-256) so that a checkpoint or a pool is never
resumed or reused on other data of the same name and shape.

    python bench/bench_fingerprint.py                  # CIFAR-100-sized and ImageNet-10-sized generated data, on the CPU
    python bench/bench_fingerprint.py --device cuda    # the same data held on a GPU (copied to the CPU chunk by chunk)

The data are random tensors of the real sizes (the content does not change the cost of a hash): CIFAR-100's training
set, 50,000 x 3 x 32 x 32, as uint8 and as float32 (what `load_torchvision` returns), and an ImageNet-10 training set,
13,000 x 3 x 224 x 224 uint8 (what `load_imagenet` keeps in memory). Printed per data set: its size, the seconds of
`data_fingerprint` (median of --repeats), the throughput, the seconds of the sampled fingerprint of earlier versions
(4,096 pixels) for comparison, and hashlib's raw SHA-256 speed on this machine.

The output committed in bench/results/ was made with
    OMP_NUM_THREADS=1 python bench/bench_fingerprint.py | tee bench/results/bench_fingerprint_cpu.txt
"""
import argparse, hashlib, os, platform, statistics, time
import torch
from mas_nbdev.data import ImageData, data_fingerprint, _sampled_fingerprint

def timed(fn, repeats:int)->float:
    "Median seconds of `repeats` calls of `fn`."
    out = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); out.append(time.perf_counter() - t)
    return statistics.median(out)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cpu'); p.add_argument('--repeats', type=int, default=3)
    a = p.parse_args()
    print(f"bench_fingerprint: device {a.device} ({os.cpu_count()} cores, {platform.processor() or platform.machine()}), torch {torch.__version__}")
    raw = bytes(2**28)
    t = timed(lambda: hashlib.sha256(raw).hexdigest(), a.repeats)
    print(f"hashlib SHA-256 alone: {len(raw) / t / 1e9:.2f} GB/s")
    g = torch.Generator().manual_seed(0)
    cases = [('CIFAR-100 train, uint8', (50000, 3, 32, 32), torch.uint8, 100),
             ('CIFAR-100 train, float32', (50000, 3, 32, 32), torch.float32, 100),
             ('ImageNet-10 train, uint8', (13000, 3, 224, 224), torch.uint8, 10)]
    for name, shape, dtype, k in cases:
        x = torch.randint(0, 256, shape, dtype=torch.uint8, generator=g)
        if dtype == torch.float32: x = x.float().div_(255)
        y = torch.arange(shape[0]) % k
        data = ImageData(x.to(a.device), y.to(a.device), k, (0.5,) * 3, (0.25,) * 3, 'bench')
        gb = x.numel() * x.element_size() / 1e9
        t_full = timed(lambda: data_fingerprint(data), a.repeats)
        t_old = timed(lambda: _sampled_fingerprint(data), a.repeats)
        print(f"{name:26s} {gb:5.2f} GB: data_fingerprint {t_full:6.2f} s ({gb / t_full:.2f} GB/s); the sampled fingerprint of earlier versions {t_old * 1e3:.1f} ms")
        del data, x

if __name__ == '__main__': main()
