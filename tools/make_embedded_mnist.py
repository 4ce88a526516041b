"""Builds the MNIST subset shipped in ndflow/keras/datasets/mnist_small/ (deterministic).

    python tools/make_embedded_mnist.py [--source DIR] [--out DIR]

Takes a stratified sample of the full MNIST (default: ../shared/data/mnist next to the
repository): 5000 training and 1000 test images, each class represented in proportion to
its share of the split, chosen by a fixed-seed generator and kept in their original order.
Writes the four IDX files gzip-compressed with a zero timestamp (identical bytes on every
run) plus SHA256SUMS of their decompressed contents, which load_embedded() verifies.
"""
import argparse
import hashlib
from pathlib import Path

import numpy as np

from ndflow.keras.datasets import mnist
from ndflow.keras.datasets._idx_dataset import load
from ndflow.keras.datasets.idx import idx_bytes, write_idx
from ndflow.keras.utils.data_utils import hash_file

REPO = Path(__file__).resolve().parents[1]
SIZES = {"train": 5000, "test": 1000}
SEED = 20240501


def stratified_indices(labels, size, rng):
    """`size` indices of `labels`, classes in proportion (largest remainder), sorted."""
    classes, counts = np.unique(labels, return_counts=True)
    quotas = counts * size / len(labels)
    per_class = np.floor(quotas).astype(int)
    shortfall = size - per_class.sum()
    per_class[np.argsort(-(quotas - per_class), kind="stable")[:shortfall]] += 1
    chosen = [rng.choice(np.flatnonzero(labels == c), n, replace=False)
              for c, n in zip(classes, per_class)]
    return np.sort(np.concatenate(chosen))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(REPO.parent / "shared" / "data" / "mnist"),
                        help="directory with the four MNIST IDX files")
    parser.add_argument("--out", default=str(REPO / "ndflow" / "keras" / "datasets" / "mnist_small"))
    args = parser.parse_args()

    # Checking the sources against MNIST's known hashes guarantees a genuine subset.
    for idx_file in mnist.SPEC.files.values():
        candidates = [Path(args.source) / (idx_file.name + s) for s in (".gz", "")]
        source = next(p for p in candidates if p.exists())
        if hash_file(source, decompressed=True) != idx_file.sha256:
            raise SystemExit(f"{source} is not the genuine MNIST file (SHA-256 mismatch)")
    (x_train, y_train), (x_test, y_test) = load(mnist.SPEC, args.source)

    rng = np.random.default_rng(SEED)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sums = []
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        keep = stratified_indices(y, SIZES[split], rng)
        prefix = "train" if split == "train" else "t10k"
        for kind, array in (("images-idx3", x[keep]), ("labels-idx1", y[keep])):
            name = f"{prefix}-{kind}-ubyte"
            write_idx(out / (name + ".gz"), array, compress=True)
            sums.append(f"{hashlib.sha256(idx_bytes(array)).hexdigest()}  {name}")
        print(f"{split}: {len(keep)} images, per class {np.bincount(y[keep]).tolist()}")
    (out / "SHA256SUMS").write_text("\n".join(sorted(sums, key=lambda s: s.split()[1])) + "\n")


if __name__ == "__main__":
    main()
