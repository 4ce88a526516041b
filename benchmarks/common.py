"""What every framework's benchmark module shares: workload sizes, data, initial weights.

Every framework trains from the same NumPy-generated initial weights on the same data in
the same order, so their final losses and accuracies must agree closely: a run that is fast
because it computes something else shows up in the "result" column.

Conventions (shared by all modules):
- Dense kernels are (in, out), conv kernels HWIO, images NHWC, all float32; biases start at 0.
- W1/W2 return seconds per step, W3-W5 seconds per epoch, W6 images per second.
- A run does one warm-up step (W1/W2: one step; W3-W5: one training step on the first batch;
  W6: one predict batch) before the clock starts, so tracing/compilation is not timed.
"""
import gzip
import os
import time

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORKLOADS = ("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8")
UNITS = {"W1": "us/step", "W2": "us/step", "W3": "s/epoch", "W4": "s/epoch",
         "W5": "s/epoch", "W6": "images/s", "W7": "ms/step", "W8": "ms/batch"}

# benchmarks/bench_scaling.py varies the sizes below through the environment (defaults: the
# workloads as PERFORMANCE.md defines them)
XOR_HIDDEN = int(os.environ.get("NDFLOW_BENCH_XOR_HIDDEN", "10"))
XOR_SIZES = (2, XOR_HIDDEN, XOR_HIDDEN, XOR_HIDDEN, 1)
XOR_LR = 0.1
XOR_STEPS = 10_000
LINREG_STEPS = 1_000
LINREG_LR = 0.1
SOFTMAX_LR = 0.15
SOFTMAX_BATCH = 100
MLP_SIZES = (784, 300, 100, 10)
MLP_BATCH = int(os.environ.get("NDFLOW_BENCH_MLP_BATCH", "32"))
CNN_BATCH = int(os.environ.get("NDFLOW_BENCH_CNN_BATCH", "128"))
ADAM = dict(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
PREDICT_BATCH = 1000
# The variants each framework runs per workload (W6: which model is served).
VARIANTS = {
    "ndflow": {"W1": ["tape", "function", "session"], "W2": ["session", "function"],
               "W3": ["function"], "W4": ["fit", "loop"], "W5": ["fit"], "W6": ["mlp", "cnn"],
               "W7": ["function", "fit"], "W8": ["function", "predict"]},
    "torch": {"W1": ["eager"], "W2": ["eager"], "W3": ["eager"], "W4": ["eager"],
              "W5": ["eager"], "W6": ["mlp", "cnn"], "W7": ["eager"], "W8": ["eager"]},
    "tensorflow": {"W1": ["function"], "W2": ["function"], "W3": ["function"],
                   "W4": ["fit", "loop"], "W5": ["fit"], "W6": ["mlp", "cnn"], "W7": [], "W8": []},
    "jax": {"W1": ["jit"], "W2": ["jit"], "W3": ["jit"], "W4": ["jit"], "W5": ["jit"],
            "W6": ["mlp", "cnn"], "W7": [], "W8": []},
    "numpy": {"W1": ["manual"], "W2": ["manual"], "W3": ["manual"], "W4": ["manual"],
              "W5": ["manual"], "W6": ["mlp", "cnn"], "W7": [], "W8": []},
}
QUICK_STEPS = 20      # W1/W2 steps in --quick mode
QUICK_BATCHES = 3     # W3-W5 batches (W6 predict batches) in --quick mode


class NotAvailable(Exception):
    """A cell that cannot run here (framework or feature missing); the runner reports it."""


# ---------------------------------------------------------------- data

def mnist_dir():
    """$NDFLOW_DATA_DIR/mnist (ndflow's convention), else ../shared/data/mnist."""
    candidates = []
    if os.environ.get("NDFLOW_DATA_DIR"):
        base = os.environ["NDFLOW_DATA_DIR"]
        candidates += [os.path.join(base, "mnist"), base]
    candidates.append(os.path.join(REPO_ROOT, "..", "shared", "data", "mnist"))
    for directory in candidates:
        if os.path.isfile(os.path.join(directory, "train-images-idx3-ubyte.gz")):
            return os.path.normpath(directory)
    raise NotAvailable("MNIST not found: set NDFLOW_DATA_DIR to a directory holding "
                       "mnist/train-images-idx3-ubyte.gz (or put it in ../shared/data/mnist)")


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist_uint8():
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, read from the IDX files."""
    directory = mnist_dir()
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    x_tr, y_tr, x_te, y_te = (_read_idx(os.path.join(directory, n + ".gz")) for n in names)
    return (x_tr, y_tr), (x_te, y_te)


def scale(images):
    return (images.astype(np.float32) / np.float32(255.0))


def xor_data():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    return x, y


def linreg_data():
    return (np.array([1, 2, 3, 4], np.float32), np.array([5, 8, 11, 14], np.float32))


# ---------------------------------------------------------------- initial weights

def glorot_uniform(rng, shape):
    """Keras' default kernel initializer: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def dense_weights(sizes, seed):
    """[kernel0, bias0, kernel1, bias1, ...] for a stack of Dense layers (Keras order)."""
    rng = np.random.RandomState(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights += [glorot_uniform(rng, (n_in, n_out)), np.zeros(n_out, np.float32)]
    return weights


def xor_weights():
    return dense_weights(XOR_SIZES, seed=0)


def softmax_weights():
    """Seed 002 initialises W and B from a standard normal."""
    rng = np.random.RandomState(2)
    return [rng.standard_normal((784, 10)).astype(np.float32),
            rng.standard_normal(10).astype(np.float32)]


def mlp_weights():
    return dense_weights(MLP_SIZES, seed=4)


def cnn_weights():
    """Conv 3x3x1x32, conv 3x3x32x64, dense 3136x128, dense 128x10 (+ zero biases)."""
    rng = np.random.RandomState(5)
    shapes = [(3, 3, 1, 32), (3, 3, 32, 64), (7 * 7 * 64, 128), (128, 10)]
    weights = []
    for shape in shapes:
        weights += [glorot_uniform(rng, shape), np.zeros(shape[-1], np.float32)]
    return weights


# ---------------------------------------------------------------- run sizes

def n_steps(quick, full):
    return QUICK_STEPS if quick else full


def n_batches(n_examples, batch, quick, max_batches):
    """How many batches a (possibly shortened) epoch runs, and the full epoch's count."""
    full = n_examples // batch
    limit = QUICK_BATCHES if quick else (max_batches or full)
    return min(full, limit), full


def epoch_result(seconds, batches, full_batches, **metrics):
    """Seconds per epoch, extrapolated linearly where only part of the epoch ran."""
    result = {"value": seconds * full_batches / batches, **metrics}
    if batches < full_batches:
        result["note"] = f"extrapolated from {batches}/{full_batches} batches"
    return result


def accuracy(logits, labels):
    return float(np.mean(np.argmax(np.asarray(logits), axis=1) == np.asarray(labels)))


class Clock:
    """`with Clock() as c: ...; c.seconds`."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
