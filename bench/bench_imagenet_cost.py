"""What an outer iteration and a run cost on ImageNet-10/100, in FLOPs: IDC with its fresh networks pretrained (as the
authors ran it), IDC with untrained networks (the library before), and MAS with its early-stage pool.

    OMP_NUM_THREADS=1 python bench/bench_imagenet_cost.py

Measured, then scaled: torch.utils.flop_counter counts, on this CPU, ResNetAP-10 at 224 x 224 (10 or 100 classes) on a
few generated images: one network training step per image (per-sample DSA color_crop, CutMix p 1.0), and one class's
matching step (first-order real gradient, second-order synthetic gradient, the gradient back to the stored images) at two
batch shapes, which gives the FLOPs per real and per decoded synthetic image (FLOPs are linear in the batch). An outer
iteration is then

    fresh_epochs x N_train x train  +  inner_loop x [ classes x (batch_real x real + decoded x syn) + n_data x train ]

with the presets' values (inner_loop 100, n_data 500, batch_real 64 on ImageNet-10 and 128 on ImageNet-100, decoded images
per class from the decode rule: 9 x ipc at factor 3, bound to 128 at ipc >= 20), N_train = 1300 images per class, and a run
is `iterations` (500) of them, plus MAS's pool: pool_size x pool_epochs x N_train x train.
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from torch.utils.flop_counter import FlopCounterMode
from mas_nbdev.models import make_net
from mas_nbdev.augment import DSA
from mas_nbdev.train import sgd, train_epoch
from mas_nbdev.losses import match_loss
from mas_nbdev.synthetic import decoded_per_class
from mas_nbdev.presets import condense_settings

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)

def flops(fn)->int:
    with FlopCounterMode(display=False) as c: fn()
    return c.get_total_flops()

def unit_costs(classes:int)->dict:
    "FLOPs per image: a training step, a real image in matching, a decoded synthetic image in matching."
    torch.manual_seed(0)
    spec = dict(arch='resnetap', channels=3, num_classes=classes, im_size=(224, 224))
    net = make_net(spec)
    x, y = torch.rand(2, 3, 224, 224), torch.tensor([0, 1])
    train = flops(lambda: train_epoch(net, x, y, sgd(net), DSA('color_crop', MEAN, STD, per_sample=True), 2, 1.0)) / 2
    aug = DSA('color_crop_cutout', MEAN, STD)
    def step(n_real, n_syn):
        syn = torch.rand(n_syn, 3, 224, 224, requires_grad=True)
        return flops(lambda: torch.autograd.grad(match_loss(net, torch.rand(n_real, 3, 224, 224), syn, 0, aug, 'l1'), syn))
    a, b = step(2, 2), step(2, 4)
    syn = (b - a) / 2
    return dict(train=train, real=(a - 2 * syn) / 2, syn=syn)

def costs(name:str, ipc:int, unit:dict)->dict:
    "FLOPs per outer iteration and per run of idc (pretrained fresh networks), idc with untrained ones, and mas."
    s_idc, s_mas = condense_settings(name, ipc, 'idc'), condense_settings(name, ipc, 'mas')
    k = 10 if name == 'imagenet10' else 100
    n_train, dec = 1300 * k, decoded_per_class(ipc, s_idc['factor'], s_idc['decode_type'], s_idc['batch_syn_max'])
    inner = s_idc['inner_loop'] * (k * (s_idc['batch_real'] * unit['real'] + dec * unit['syn']) + s_idc['n_data'] * unit['train'])
    fresh = s_idc['fresh_epochs'] * n_train * unit['train']
    pool = s_mas['pool_size'] * s_mas['pool_epochs'] * n_train * unit['train']
    return dict(decoded=dec, fresh_epochs=s_idc['fresh_epochs'], inner=inner, fresh=fresh, iterations=s_idc['iterations'],
                mas_iterations=s_mas['iterations'], pool=pool)

if __name__ == '__main__':
    torch.set_num_threads(1)
    t0 = time.time()
    print("| dataset | ipc | decoded / class | IDC iteration, untrained nets (PFLOP) | fresh pretraining (PFLOP) | IDC iteration as published (PFLOP) | ratio | "
          "IDC run (EFLOP) | MAS run incl. pool (EFLOP) | IDC / MAS |")
    print('|---' * 10 + '|')
    for name, k in (('imagenet10', 10), ('imagenet100', 100)):
        unit = unit_costs(k)
        print(f"<!-- {name}: per image, training step {unit['train'] / 1e9:.2f} GFLOP, matching real {unit['real'] / 1e9:.2f}, "
              f"matching synthetic {unit['syn'] / 1e9:.2f} -->")
        for ipc in (1, 10, 20, 50):
            c = costs(name, ipc, unit)
            idc_it = c['inner'] + c['fresh']
            idc_run, mas_run = c['iterations'] * idc_it, c['mas_iterations'] * c['inner'] + c['pool']
            print(f"| {name} | {ipc} | {c['decoded']} | {c['inner'] / 1e15:.2f} | {c['fresh'] / 1e15:.2f} ({c['fresh_epochs']} epochs) | "
                  f"{idc_it / 1e15:.2f} | {idc_it / c['inner']:.2f}x | {idc_run / 1e18:.2f} | {mas_run / 1e18:.2f} | {idc_run / mas_run:.2f}x |")
    print(f"{time.time() - t0:.0f} s")
