"""tf.io: files, TFRecord files, tf.train.Example and SequenceExample parsing, CSV and raw
decoding, tensor serialization."""
from .csv_ops import decode_csv  # noqa: F401
from .files import gfile, matching_files, read_file, write_file  # noqa: F401
from .image_codecs import (decode_bmp, decode_gif, decode_image, decode_jpeg,  # noqa: F401
                           decode_png, encode_jpeg, encode_png, is_jpeg)
from .parsing import (FixedLenFeature, FixedLenSequenceFeature, RaggedFeature,  # noqa: F401
                      SparseFeature, VarLenFeature, parse_example, parse_single_example)
from .sequence_parsing import (parse_sequence_example,  # noqa: F401
                               parse_single_sequence_example)
from .proto_ops import decode_proto, encode_proto  # noqa: F401
from .sparse_codecs import (deserialize_many_sparse, serialize_many_sparse,  # noqa: F401
                            serialize_sparse)
from .tensor_codecs import decode_raw, parse_tensor, serialize_tensor  # noqa: F401
from .tfrecord import (TFRecordCompressionType, TFRecordOptions, TFRecordWriter,  # noqa: F401
                       tf_record_iterator)


def __getattr__(name):  # the Example protos load protobuf on first use
    if name in ("Example", "SequenceExample", "Features", "Feature", "FeatureList",
                "FeatureLists", "BytesList", "FloatList", "Int64List"):
        from . import example_pb
        return example_pb.classes()[name]
    raise AttributeError(f"module 'ndflow.io' has no attribute {name!r}")
