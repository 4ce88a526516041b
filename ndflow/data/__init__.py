"""tf.data: input pipelines.

    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32).prefetch(1)
    for images, labels in ds: ...
"""
from . import experimental  # noqa: F401
from .dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset, DatasetV2  # noqa: F401
from .iterator import Iterator, OwnedIterator  # noqa: F401
from .options import Options, ThreadingOptions  # noqa: F401
from .readers import FixedLengthRecordDataset, TextLineDataset, TFRecordDataset  # noqa: F401
from .structure import DatasetSpec  # noqa: F401

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN
DatasetV1 = Dataset
