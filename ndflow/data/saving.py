"""`Dataset.save` / `Dataset.load` (and tf.data.experimental.save / load): a dataset's
elements written to a directory and read back, in ndflow's own format (not TensorFlow's
snapshot format, which these files are not compatible with).

The directory holds:
- `dataset_spec.json`: the format name and version, the element spec (nested tuples and
  dicts of TensorSpec / SparseTensorSpec / RaggedTensorSpec, as JSON), the number of
  elements and the compression;
- `shard_<k>.ndrecord`: TFRecord-framed records (CRC-checked), one per element, each the
  element's component arrays encoded as `Dataset.cache(filename)` does (element_codec):
  dtype, shape and raw bytes. Nothing is unpickled or executed when loading.
`shard_func(*element)` (an int64 scalar per element) spreads the elements over shards;
loading reads the shards in order (or through `reader_func`). The directory is written
into a temporary directory next to `path` and renamed into place, so a failed save leaves
the previous directory (or none).
"""
import gzip
import json
import os
import zlib

import numpy as np

from ..framework import dtypes
from ..framework.errors import DataLossError, NotFoundError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..io import tfrecord
from ..util import nest
from ..util.composite import TypeSpec
from . import element_codec
from .dataset import DatasetV2

FORMAT = "ndflow-dataset"
VERSION = 1
SPEC_FILE = "dataset_spec.json"


def _shape(shape):
    return None if shape.rank is None else list(shape.as_list())


def spec_to_json(spec):
    """A nested element spec as JSON-able data."""
    if isinstance(spec, dict):
        return {"dict": {str(k): spec_to_json(v) for k, v in spec.items()}}
    if isinstance(spec, (tuple, list)):
        return {"tuple": [spec_to_json(s) for s in spec]}
    if isinstance(spec, TensorSpec):
        return {"tensor": {"shape": _shape(spec.shape), "dtype": spec.dtype.name}}
    name = type(spec).__name__
    if name == "SparseTensorSpec":
        return {"sparse": {"shape": _shape(spec.shape), "dtype": spec.dtype.name}}
    if name == "RaggedTensorSpec":
        return {"ragged": {"shape": _shape(spec.shape), "dtype": spec.dtype.name,
                           "ragged_rank": int(spec.ragged_rank)}}
    raise TypeError(f"Dataset.save(): cannot save elements of spec {spec!r}.")


def spec_from_json(data):
    """The element spec `spec_to_json` described."""
    if not isinstance(data, dict) or len(data) != 1:
        raise DataLossError(f"Dataset.load(): malformed element spec {data!r}.")
    (kind, body), = data.items()
    if kind == "dict":
        return {k: spec_from_json(v) for k, v in body.items()}
    if kind == "tuple":
        return tuple(spec_from_json(v) for v in body)
    shape, dtype = TensorShape(body["shape"]), dtypes.as_dtype(body["dtype"])
    if kind == "tensor":
        return TensorSpec(shape, dtype)
    if kind == "sparse":
        from ..ops.sparse_tensor import SparseTensorSpec
        return SparseTensorSpec(shape, dtype)
    if kind == "ragged":
        from ..ragged.ragged_tensor import RaggedTensorSpec
        return RaggedTensorSpec(shape, dtype, int(body["ragged_rank"]))
    raise DataLossError(f"Dataset.load(): unknown spec kind {kind!r}.")


def _compress(data, compression):
    if compression == "GZIP":
        return gzip.compress(data, mtime=0)
    if compression == "ZLIB":
        return zlib.compress(data)
    return data


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """Writes the elements of `dataset` to the directory `path` (see the module doc).

    Args:
      dataset: the Dataset to save (it is iterated once).
      path: the directory to write (replaced if it exists).
      compression: None, "GZIP" or "ZLIB".
      shard_func: optional function `element -> int64 scalar` choosing each element's
        shard file (traced like a map function).
      checkpoint_args: accepted for TensorFlow compatibility (ignored).

    Raises:
      TypeError: if `dataset` is not a Dataset.
    """
    from ..util.atomic import atomic_write_directory
    if not isinstance(dataset, DatasetV2):
        raise TypeError(f"Dataset.save(): expected a Dataset; received {dataset!r}.")
    compression = tfrecord.compression_name(compression or "", "compression")
    fn = None
    if shard_func is not None:
        from .functions import StructuredFunction
        fn = StructuredFunction(shard_func, [dataset._spec], "Dataset.save() shard_func")
    shards, count = {}, 0
    for index, flat in enumerate(dataset._iterate()):
        shard = 0
        if fn is not None:
            shard = int(np.asarray(fn(flat, index)[0]))
            if shard < 0:
                raise ValueError(f"Dataset.save(): shard_func returned {shard} for element "
                                 f"{index}; shard indices must be >= 0.")
        shards.setdefault(shard, []).append(tfrecord.frame(element_codec.encode(flat)))
        count += 1
    names = [f"shard_{k:05d}.ndrecord" for k in sorted(shards)]
    files = {name: _compress(b"".join(shards[k]), compression)
             for name, k in zip(names, sorted(shards))}
    meta = {"format": FORMAT, "version": VERSION, "element_spec": spec_to_json(dataset._spec),
            "cardinality": count, "compression": compression, "shards": names}
    files[SPEC_FILE] = json.dumps(meta, indent=1).encode()
    atomic_write_directory(os.fspath(path), files)


def _meta(path):
    spec_path = os.path.join(path, SPEC_FILE)
    try:
        with open(spec_path, "rb") as f:
            meta = json.loads(f.read().decode("utf-8"))
    except FileNotFoundError:
        raise NotFoundError(f"Dataset.load(): {path} holds no saved dataset (no {SPEC_FILE})."
                            ) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise DataLossError(f"Dataset.load(): {spec_path} is not valid JSON: {e}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DataLossError(f"Dataset.load(): {spec_path} is not an ndflow saved dataset.")
    if meta.get("version") != VERSION:
        raise DataLossError(f"Dataset.load(): {spec_path} has version {meta.get('version')}; "
                            f"this ndflow reads version {VERSION}.")
    return meta


class ShardDataset(DatasetV2):
    """The elements of one shard file of a saved dataset."""

    def __init__(self, path, spec, compression):
        self._path, self._spec, self._compression = path, spec, compression

    def _iterate(self):
        count = len(nest.flatten(self._spec, expand_composites=True))
        for record in tfrecord.iterate_records(self._path, self._compression):
            flat = element_codec.decode(record, self._path)
            if len(flat) != count:
                raise DataLossError(f"{self._path}: an element has {len(flat)} components; "
                                    f"the element spec has {count}.")
            yield flat


class LoadDataset(DatasetV2):
    """A dataset saved by `save`, read from its directory."""

    def __init__(self, path, element_spec=None, compression=None, reader_func=None):
        self._dir = os.fspath(path)
        meta = _meta(self._dir)
        saved = spec_from_json(meta["element_spec"])
        if element_spec is not None:
            flat_given = nest.flatten(element_spec, expand_composites=False)
            flat_saved = nest.flatten(saved, expand_composites=False)
            if len(flat_given) != len(flat_saved) or any(
                    a.dtype != b.dtype or (isinstance(a, TypeSpec) != isinstance(b, TypeSpec))
                    for a, b in zip(flat_given, flat_saved)):
                raise ValueError(f"Dataset.load(): element_spec {element_spec} does not match "
                                 f"the saved element spec {saved}.")
            saved = element_spec
        self._spec = saved
        self._count = int(meta["cardinality"])
        self._compression = meta.get("compression", "")
        self._shards = [os.path.join(self._dir, name) for name in meta["shards"]]
        self._reader = reader_func

    def _iterate(self):
        shards = [ShardDataset(p, self._spec, self._compression) for p in self._shards]
        if self._reader is None:
            for shard in shards:
                yield from shard._iterate()
            return
        from .sources import ListDataset
        from .structure import holding
        datasets = ListDataset([(holding(s),) for s in shards],
                               _dataset_spec(self._spec))
        result = self._reader(datasets)
        if not isinstance(result, DatasetV2):
            raise TypeError(f"Dataset.load(): reader_func must return a Dataset; got "
                            f"{result!r}.")
        yield from result._iterate()

    def _cardinality(self):
        return self._count if self._reader is None else super()._cardinality()


def _dataset_spec(spec):
    from .structure import DatasetSpec
    return DatasetSpec(spec)


def load(path, element_spec=None, compression=None, reader_func=None):
    """Reads a dataset written by `save` (see the module doc).

    Args:
      path: the directory `save` wrote.
      element_spec: optional; the saved spec is used when None (it must match if given).
      compression: accepted for TensorFlow compatibility (the directory records its own).
      reader_func: optional function `datasets -> Dataset` given the dataset of shard
        datasets (e.g. `lambda ds: ds.interleave(lambda x: x)`); by default the shards
        are read in order.

    Returns:
      A Dataset with the saved elements.

    Raises:
      NotFoundError: if `path` holds no saved dataset.
      DataLossError: if its files are malformed or corrupted.
    """
    return LoadDataset(path, element_spec, compression, reader_func)
