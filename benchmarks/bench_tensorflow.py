"""TensorFlow 2 / Keras 3 (tensorflow-cpu): the same source as ndflow's TF2/Keras variants."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

from benchmarks import common as C  # noqa: E402
from benchmarks.tf_workloads import build  # noqa: E402

NAME = "tensorflow"
VARIANTS = C.VARIANTS[NAME]


def version():
    return f"{tf.__version__} (keras {tf.keras.version()})"


def keras():
    return tf.keras


run = build(tf, keras, C.load_mnist_uint8)
