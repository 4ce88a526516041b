"""keras.datasets: MNIST and Fashion-MNIST (IDX files, see `mnist`), Boston housing, CIFAR-10
and CIFAR-100 (their binary archives), IMDB and Reuters (Keras's .npz files, read without
unpickling); each found locally or downloaded into ~/.ndflow/datasets/."""
from . import (boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist,  # noqa: F401
               reuters)
