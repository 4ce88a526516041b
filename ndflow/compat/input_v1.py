"""The TF1 names of input pipelines, gathered for ndflow.compat.v1: `tf.data` with its
iterator functions, `tf.io`/`tf.python_io`, `tf.decode_csv` and friends, the queues, and
the `tf.train` input functions."""
import types

from .. import data as _data
from .. import io as _io
from ..data import iterator as _iterator
from . import input_pipeline as _pipeline
from . import queues as _queues


def _module(name, names):
    mod = types.ModuleType(f"ndflow.compat.v1.{name}")
    mod.__dict__.update(names)
    return mod


data = _module("data", {k: getattr(_data, k) for k in dir(_data) if not k.startswith("_")})
data.__dict__.update({
    "make_one_shot_iterator": _iterator.make_one_shot_iterator,
    "make_initializable_iterator": _iterator.make_initializable_iterator,
    "get_output_types": _iterator.get_output_types,
    "get_output_shapes": _iterator.get_output_shapes,
    "Iterator": _iterator.Iterator,
})

io = _module("io", {k: getattr(_io, k) for k in dir(_io) if not k.startswith("_")})
python_io = _module("python_io", {"TFRecordWriter": _io.TFRecordWriter,
                                  "TFRecordOptions": _io.TFRecordOptions,
                                  "TFRecordCompressionType": _io.TFRecordCompressionType,
                                  "tf_record_iterator": _io.tf_record_iterator})

queue = _module("queue", {"FIFOQueue": _queues.V1_FIFOQueue,
                          "RandomShuffleQueue": _queues.V1_RandomShuffleQueue,
                          "PaddingFIFOQueue": _queues.V1_PaddingFIFOQueue,
                          "PriorityQueue": _queues.V1_PriorityQueue,
                          "QueueBase": _queues.QueueBase})
# TF2's tf.queue: the same queues, run at once when executing eagerly
queue_v2 = types.ModuleType("ndflow.queue")
queue_v2.__dict__.update({"FIFOQueue": _queues.FIFOQueue,
                          "RandomShuffleQueue": _queues.RandomShuffleQueue,
                          "PaddingFIFOQueue": _queues.PaddingFIFOQueue,
                          "PriorityQueue": _queues.PriorityQueue,
                          "QueueBase": _queues.QueueBase})

TOP_LEVEL = {
    "decode_csv": _io.decode_csv, "read_file": _io.read_file, "write_file": _io.write_file,
    "parse_example": _io.parse_example, "parse_single_example": _io.parse_single_example,
    "FixedLenFeature": _io.FixedLenFeature, "VarLenFeature": _io.VarLenFeature,
    "FixedLenSequenceFeature": _io.FixedLenSequenceFeature, "matching_files": _io.matching_files,
    "gfile": _io.gfile, "SparseFeature": _io.SparseFeature, "decode_raw": _io.decode_raw,
    "serialize_tensor": _io.serialize_tensor, "parse_tensor": _io.parse_tensor,
    "parse_single_sequence_example": _io.parse_single_sequence_example,
    "serialize_sparse": _io.serialize_sparse, "serialize_many_sparse": _io.serialize_many_sparse,
    "deserialize_many_sparse": _io.deserialize_many_sparse,
    "FIFOQueue": _queues.V1_FIFOQueue, "RandomShuffleQueue": _queues.V1_RandomShuffleQueue,
    "PaddingFIFOQueue": _queues.V1_PaddingFIFOQueue, "PriorityQueue": _queues.V1_PriorityQueue,
    "QueueBase": _queues.QueueBase,
    "TextLineReader": _pipeline.TextLineReader, "WholeFileReader": _pipeline.WholeFileReader,
    "TFRecordReader": _pipeline.TFRecordReader, "ReaderBase": _pipeline.ReaderBase,
}

TRAIN = {
    "Coordinator": _queues.Coordinator, "QueueRunner": _queues.QueueRunner,
    "add_queue_runner": _queues.add_queue_runner,
    "start_queue_runners": _queues.start_queue_runners,
    "string_input_producer": _pipeline.string_input_producer,
    "input_producer": _pipeline.input_producer,
    "range_input_producer": _pipeline.range_input_producer,
    "slice_input_producer": _pipeline.slice_input_producer,
    "batch": _pipeline.batch, "shuffle_batch": _pipeline.shuffle_batch,
}


def train_getattr(name):
    """tf.train.Example and the other Example protos (protobuf loads on first use)."""
    from ..io import example_pb
    classes = example_pb.classes()
    if name in classes:
        return classes[name]
    raise AttributeError(f"module 'ndflow.train' has no attribute {name!r}")
