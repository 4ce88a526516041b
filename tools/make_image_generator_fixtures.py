"""Writes tests/fixtures/keras_image_generator.npz: the numbers of TF 2.21's Keras 2
ImageDataGenerator (`tf.keras.preprocessing.image`, i.e. keras.src.legacy) for the cases in
tests/keras_api/image_generator_cases.py, which tests/keras_api/test_image_data_generator.py
runs again with ndflow's generator.

    /work/tfref/bin/python tools/make_image_generator_fixtures.py [--pil-site DIR]

Keras's brightness shift and its directory iterator need Pillow; the reference venv has
none, so `--pil-site` names a site-packages of the same Python version that has it (its
PIL package alone is put on sys.path). Each case's result is stored as `<name>.<i>`.
"""
import argparse
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "keras_api"))
import image_generator_cases as cases_module  # noqa: E402


def _borrow_pil(site):
    """Only the PIL package of `site` on sys.path (not the rest of that site-packages)."""
    shim = tempfile.mkdtemp(prefix="pil_shim_")
    os.symlink(os.path.join(site, "PIL"), os.path.join(shim, "PIL"))
    sys.path.insert(0, shim)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pil-site", default=None)
    args = parser.parse_args()
    try:
        import PIL  # noqa: F401
    except ImportError:
        if not args.pil_site:
            raise SystemExit("Pillow is needed: pass --pil-site DIR (a python3.11 "
                             "site-packages with PIL)")
        _borrow_pil(args.pil_site)
    from PIL import Image
    import tensorflow as tf
    ImageDataGenerator = tf.keras.preprocessing.image.ImageDataGenerator
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        cases_module.write_image_folder(folder, Image)
        all_cases = dict(cases_module.cases(ImageDataGenerator))
        all_cases.update(cases_module.directory_cases(ImageDataGenerator, folder))
        for name, fn in all_cases.items():
            result = fn()
            parts = result if isinstance(result, tuple) else (result,)
            for i, part in enumerate(parts):
                out[f"{name}.{i}"] = np.asarray(part)
    path = os.path.join(ROOT, "tests", "fixtures", "keras_image_generator.npz")
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **out)
    os.replace(tmp, path)
    print(f"wrote {len(out)} arrays ({len(all_cases)} cases) to {path}")


if __name__ == "__main__":
    main()
