"""One evaluation per format, for the closing note of issue 26: the three digits sets of nbs/figures (MAS, DSA, DM at one
image per class) written in every format `mas_evaluate` reads, each evaluated under the `common` protocol with LRS/ARS,
plus the export round trip (tensors bit for bit; PNG quantisation error and its effect on accuracy).

    OMP_NUM_THREADS=1 python bench/evaluate_formats.py [EPOCHS] [REPEATS]     # default 300 epochs, 3 networks
"""
import sys, tempfile, time
from pathlib import Path
import torch
from mas_nbdev.data import digits_data
from mas_nbdev.synthetic import SyntheticSet, to_pixel_units
from mas_nbdev.zca import ZCA
from mas_nbdev.sets import evaluate_set, load_set

FIGS = Path(__file__).resolve().parents[1]/'nbs'/'figures'

def write_formats(d:Path, sets:dict, train)->dict:
    "Each format written as its codebase writes it; returns file -> load options."
    (d/'mtt').mkdir(parents=True)
    sets['mas'].save(d/'synset.pt')
    sets['mas'].export(d/'export')
    dm = sets['dm']
    torch.save({'data': [[dm.images, dm.labels]], 'accs_all_exps': {'ConvNet': [0.0]}}, d/'res_DM_digits_ConvNet_1ipc.pt')
    w = ZCA().fit(train.images)
    torch.save(w(to_pixel_units(sets['dsa'].images, 'normalized', train.mean, train.std)), d/'mtt'/'images_best.pt')
    torch.save(sets['dsa'].labels, d/'mtt'/'labels_best.pt'); torch.save(torch.tensor(0.01), d/'mtt'/'lr_best.pt')
    torch.save([sets['mas'].images, sets['mas'].labels], d/'idc_data.pt')
    return {'synset.pt': {}, 'export': {}, 'res_DM_digits_ConvNet_1ipc.pt': {}, 'mtt': dict(zca=True), 'idc_data.pt': dict(factor=2, method='mas'),
            'export/stored': dict(factor=2, method='mas')}   # the export's PNG folder: the image-folder format

if __name__ == '__main__':
    torch.set_num_threads(1)
    epochs, repeats = (int(sys.argv[1]) if len(sys.argv) > 1 else 300), (int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    train, test = digits_data()
    sets = {m: SyntheticSet.load(FIGS/f"digits_set_{m}_ipc1.pt") for m in ('mas', 'dsa', 'dm')}
    d = Path(tempfile.mkdtemp(prefix='mas_formats_'))
    how = write_formats(d, sets, train)
    back = load_set(d/'export', train)
    print(f"export round trip: images and labels bit for bit: {torch.equal(back.images, sets['mas'].images) and torch.equal(back.labels, sets['mas'].labels)}")
    png = load_set(d/'export'/'stored', train, factor=2)
    print(f"PNG quantisation: largest pixel change {float((png.images - sets['mas'].images).abs().max()):.5f}, mean {float((png.images - sets['mas'].images).abs().mean()):.5f}")
    for f, kw in how.items():
        t = time.time()
        m = kw.pop('method', None)
        r = evaluate_set(d/f, (train, test), 'common', method=m, epochs=epochs, repeats=repeats, full_epochs=30,
                         device='cpu', verbose=False, **kw)
        s = r['synset']
        print(f"{f:<32} {s.settings['format']:<10} {s.settings['space_note'].split(' (inferred')[0][:40]:<40} set {r['synthetic']} | random {r['random']} | "
              f"LRS {r['lrs']:.3f} ARS {r['ars']:.3f} | lr {r['synthetic'].lr} | {time.time() - t:.0f} s", flush=True)
