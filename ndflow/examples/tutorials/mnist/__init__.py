"""ndflow.examples.tutorials.mnist: the MNIST reader of the TensorFlow 1 tutorials.

    from ndflow.examples.tutorials.mnist import input_data
    mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
"""
from . import input_data  # noqa: F401
