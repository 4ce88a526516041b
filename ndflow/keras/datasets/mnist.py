"""keras.datasets.mnist: the MNIST handwritten digits (LeCun, Cortes, Burges; CC BY-SA 3.0).

    (x_train, y_train), (x_test, y_test) = mnist.load_data()   # 60000 / 10000, uint8
    (x_train, y_train), (x_test, y_test) = mnist.load_embedded()  # 5000 / 1000, offline

load_data looks for the four IDX files under $NDFLOW_DATA_DIR/mnist/, then in the cache
~/.ndflow/datasets/mnist/ (Keras's mnist.npz is accepted there too), and downloads what is
missing into the cache, verifying each file's SHA-256. load_embedded reads a stratified
subset shipped inside the package (ndflow/keras/datasets/mnist_small/), for machines with no network.
"""
import hashlib
import importlib.resources

from ...framework.errors import DataLossError
from ._idx_dataset import IdxDataset, IdxFile, load
from .idx import open_decompressed, read_idx

# SHA-256 of the decompressed IDX contents (the gzip bytes differ between mirrors).
SPEC = IdxDataset(
    name="mnist",
    title="MNIST",
    mirrors=(
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    files={
        "x_train": IdxFile("train-images-idx3-ubyte",
                           "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        "y_train": IdxFile("train-labels-idx1-ubyte",
                           "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        "x_test": IdxFile("t10k-images-idx3-ubyte",
                          "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        "y_test": IdxFile("t10k-labels-idx1-ubyte",
                          "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    },
    npz_name="mnist.npz",
    offline_hint="For a small MNIST subset that needs no download (5000 train / 1000 test "
                 "images), use ndflow.keras.datasets.mnist.load_embedded().",
)

EMBEDDED_DIR = "keras/datasets/mnist_small"  # inside the ndflow package


def load_data(path=None):
    """((x_train, y_train), (x_test, y_test)): uint8 images (60000, 28, 28), (10000, 28, 28)
    and uint8 labels (60000,), (10000,), like keras.datasets.mnist.load_data.

    `path`: a directory holding the IDX files, or a .npz file in Keras's format (Keras's
    default "mnist.npz" is looked for in the search directories). See the module docstring
    for where files are looked for and downloaded to.
    """
    return load(SPEC, path)


def load_embedded():
    """The MNIST subset shipped with ndflow, for offline use: a stratified sample of 5000
    training and 1000 test images (class proportions as in MNIST), same dtypes and layout
    as load_data. Source, selection and licence: ndflow/keras/datasets/mnist_small/README.md."""
    root = importlib.resources.files("ndflow").joinpath(EMBEDDED_DIR)
    expected = _read_sums(root.joinpath("SHA256SUMS").read_text())
    arrays = []
    for idx_file in SPEC.files.values():
        with importlib.resources.as_file(root.joinpath(idx_file.name + ".gz")) as path:
            _verify(path, expected[idx_file.name])
            arrays.append(read_idx(path))
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test)


def _read_sums(text):
    sums = {}
    for line in text.splitlines():
        if line.strip():
            digest, name = line.split()
            sums[name] = digest
    return sums


def _verify(path, expected):
    digest = hashlib.sha256()
    with open_decompressed(path) as f:
        digest.update(f.read())
    if digest.hexdigest() != expected:
        raise DataLossError(f"{path}: the embedded MNIST file is damaged (SHA-256 of its "
                            f"contents is {digest.hexdigest()}, expected {expected}); "
                            "reinstall ndflow")
