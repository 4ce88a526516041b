"""ndflow, written the way its users write it: TF2 eager/tf.function, TF1 Session, Keras."""
import ndflow as tf
import ndflow.compat.v1 as v1
from benchmarks import common as C
from benchmarks.tf_workloads import build

NAME = "ndflow"
VARIANTS = C.VARIANTS[NAME]


def version():
    return getattr(tf, "__version__", "dev")


def keras():
    """ndflow.keras, or NotAvailable naming what is missing (it is still being built)."""
    try:
        from ndflow import keras as k
        for name in ("Sequential", "layers", "optimizers", "losses", "datasets"):
            getattr(k, name)
        k.Sequential.fit  # noqa: B018 - fit must exist
        return k
    except (ImportError, AttributeError) as e:
        raise C.NotAvailable(f"ndflow.keras cannot fit a model yet ({e})") from None


def load_mnist():
    """MNIST through ndflow.keras.datasets, from the same files the peers read."""
    try:
        from ndflow.keras.datasets import mnist
    except ImportError as e:
        raise C.NotAvailable(f"ndflow.keras.datasets is missing ({e})") from None
    return mnist.load_data(C.mnist_dir())


run = build(tf, keras, load_mnist, v1)
