"""CIFAR-10 / CIFAR-100 from their *binary* distributions (no pickle).

The binary archives (cifar-10-binary.tar.gz, cifar-100-binary.tar.gz, published next to the
pickled "python" version that Keras reads) hold fixed-size records: the label byte(s) (CIFAR-
100: coarse, then fine) and 3072 pixel bytes, the 1024 red, 1024 green and 1024 blue values
of a 32x32 image in row-major order. Members are read from the tar archive in memory (never
extracted to disk); a directory holding the extracted .bin files is accepted too.
"""
import os
import tarfile
import zlib

import numpy as np

from ...framework.errors import DataLossError, NotFoundError
from .. import backend
from ._files import locate, search_dirs

PIXELS = 3 * 32 * 32


def load(spec, path=None, label="fine"):
    """((x_train, y_train), (x_test, y_test)) for `spec` (CIFAR10 or CIFAR100 below)."""
    source = _find_source(spec, path)
    train = [_records(spec, name, data, label) for name, data in _members(spec, source,
                                                                          spec.train)]
    (test,) = [_records(spec, name, data, label) for name, data in _members(spec, source,
                                                                            (spec.test,))]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return (x_train, y_train), test


class Spec:
    def __init__(self, name, title, archive, origin, md5, inner_dir, train, test, label_bytes):
        self.name, self.title, self.archive, self.origin, self.md5 = name, title, archive, \
            origin, md5
        self.inner_dir, self.train, self.test, self.label_bytes = inner_dir, train, test, \
            label_bytes


CIFAR10 = Spec("cifar10", "CIFAR-10", "cifar-10-binary.tar.gz",
               "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
               "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin",
               tuple(f"data_batch_{i}.bin" for i in range(1, 6)), "test_batch.bin", 1)
CIFAR100 = Spec("cifar100", "CIFAR-100", "cifar-100-binary.tar.gz",
                "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
                "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary", ("train.bin",),
                "test.bin", 2)


def _find_source(spec, path):
    """A directory holding the .bin files, or the archive."""
    if path is None:
        for directory in search_dirs(spec.name):  # extracted files in a data directory
            for candidate in (os.path.join(directory, spec.inner_dir), directory):
                if _has_bins(spec, candidate):
                    return candidate
    found = locate(spec.name, spec.archive, spec.origin, spec.md5, algorithm="md5", path=path,
                   title=spec.title, allow_dir=True)
    if os.path.isdir(found):
        for candidate in (found, os.path.join(found, spec.inner_dir)):
            if _has_bins(spec, candidate):
                return candidate
        raise NotFoundError(f"{spec.title}: directory {found} holds none of the binary files "
                            f"{', '.join(spec.train + (spec.test,))} (nor {spec.inner_dir}/ "
                            "with them).")
    return found


def _has_bins(spec, directory):
    return all(os.path.isfile(os.path.join(directory, n)) for n in spec.train + (spec.test,))


def _members(spec, source, names):
    """(name, bytes) of each member `names`, from the directory or the tar archive."""
    if os.path.isdir(source):
        for name in names:
            with open(os.path.join(source, name), "rb") as f:
                yield name, f.read()
        return
    try:
        with tarfile.open(source, "r:*") as archive:
            members = {m.name[2:] if m.name.startswith("./") else m.name: m
                       for m in archive.getmembers()}
            for name in names:
                member = members.get(f"{spec.inner_dir}/{name}")
                if member is None or not member.isfile():
                    raise DataLossError(f"{source}: not the {spec.title} binary archive: it "
                                        f"has no regular file {spec.inner_dir}/{name}.")
                yield name, archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        if isinstance(e, DataLossError):
            raise
        raise DataLossError(f"{source}: cannot read as the {spec.title} binary archive "
                            f"({type(e).__name__}: {e}).") from None


def _records(spec, name, data, label):
    size = spec.label_bytes + PIXELS
    if not data or len(data) % size:
        raise DataLossError(f"{spec.title} {name}: {len(data)} bytes is not a whole number of "
                            f"{size}-byte records; the file is truncated or not CIFAR binary.")
    rows = np.frombuffer(data, np.uint8).reshape(-1, size)
    labels = rows[:, 0 if label == "coarse" or spec.label_bytes == 1 else 1].copy()
    images = rows[:, spec.label_bytes:].reshape(-1, 3, 32, 32)
    if backend.image_data_format() == "channels_last":
        images = images.transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels.reshape(-1, 1)
