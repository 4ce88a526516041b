"""keras.datasets.fashion_mnist: Zalando's Fashion-MNIST (Xiao, Rasul, Vollgraf; MIT licence).

    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()   # 60000 / 10000, uint8

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
7 Sneaker, 8 Bag, 9 Ankle boot. Files are looked for under $NDFLOW_DATA_DIR/fashion_mnist/,
then in ~/.ndflow/datasets/fashion_mnist/, and downloaded into the latter when missing.
"""
from ._idx_dataset import IdxDataset, IdxFile, load

# Only the SHA-256 of the published .gz files could be found (Zalando's README gives MD5s of
# the same .gz files), so downloads are verified on the .gz bytes, not the decompressed
# contents. Both mirrors below serve these same .gz files.
SPEC = IdxDataset(
    name="fashion_mnist",
    title="Fashion-MNIST",
    mirrors=(
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ),
    files={
        "x_train": IdxFile("train-images-idx3-ubyte",
                           "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
                           hash_of="gz"),
        "y_train": IdxFile("train-labels-idx1-ubyte",
                           "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
                           hash_of="gz"),
        "x_test": IdxFile("t10k-images-idx3-ubyte",
                          "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
                          hash_of="gz"),
        "y_test": IdxFile("t10k-labels-idx1-ubyte",
                          "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
                          hash_of="gz"),
    },
)

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")


def load_data(path=None):
    """((x_train, y_train), (x_test, y_test)): uint8 images (60000, 28, 28), (10000, 28, 28)
    and uint8 labels, like keras.datasets.fashion_mnist.load_data. `path`: a directory
    holding the four IDX files (missing ones are downloaded into it)."""
    return load(SPEC, path)
