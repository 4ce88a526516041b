"""keras.datasets: MNIST and Fashion-MNIST, read from IDX files (see `mnist`)."""
from . import fashion_mnist, mnist  # noqa: F401
