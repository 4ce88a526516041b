"""Seed 002: softmax regression on MNIST with GradientTape, @tf.function and assign_sub.

The seed's listing under `import ndflow as tf`, 50 epochs, batch 100, learning rate 0.15.
What was filled in or changed, and why:
- `mnist.load_data()` reads the IDX files from `$NDFLOW_DATA_DIR/mnist`, else from the
  repository's `../shared/data/mnist` (machines here are offline). It uses
  `ndflow.keras.datasets.mnist` when that module is importable, else reads the gzip IDX
  files with a few lines of NumPy (`read_idx` below).
- `x_train.reshape(60000,784)` is written `reshape(len(x_train),784)` (and 10000 likewise)
  so the same lines also run on the small synthetic set the tests use; on MNIST it is the
  same shape. `NDFLOW_EXAMPLE_MNIST=synthetic` selects that set: 10 classes of sparse
  noisy 28x28 patterns, uint8 like MNIST.
- `tf.random.set_seed(0)` makes runs repeatable (the listing leaves seeding open).
- `NDFLOW_EXAMPLE_STEPS` may lower the 50 epochs.
"""
import gzip
import os

import numpy as np

import ndflow as tf

EPOCHS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 50))
HERE = os.path.dirname(os.path.abspath(__file__))


def mnist_dir():
    candidates = [os.path.join(os.environ.get("NDFLOW_DATA_DIR", ""), "mnist"),
                  os.path.join(HERE, "..", "..", "shared", "data", "mnist")]
    for directory in candidates:
        if os.path.isfile(os.path.join(directory, "train-images-idx3-ubyte.gz")):
            return os.path.normpath(directory)
    return None


def read_idx(path):
    """An IDX file (gzip or raw) as a NumPy array: magic 0 0 type ndim, big-endian dims."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\0\0" or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4]!r})")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def synthetic_mnist(n_train=2000, n_test=500, seed=0):
    """MNIST-like uint8 images: each class a sparse random 28x28 stroke pattern (about 15%
    of the pixels on, as in MNIST), each image a noisy copy (pixels dropped, stray pixels
    added, intensity varied). Sparse like MNIST, so the seed's log(softmax) stays finite."""
    rng = np.random.RandomState(seed)
    prototypes = rng.rand(10, 28, 28) < 0.15

    def sample(n):
        labels = rng.randint(0, 10, size=n).astype(np.uint8)
        kept = prototypes[labels] & (rng.rand(n, 28, 28) > 0.2)
        stray = rng.rand(n, 28, 28) < 0.03
        intensity = rng.uniform(150, 255, size=(n, 28, 28))
        return ((kept | stray) * intensity).astype(np.uint8), labels
    return sample(n_train), sample(n_test)


class LocalMnist:
    """Stands in for `tf.keras.datasets.mnist` where that module is not importable."""

    @staticmethod
    def load_data():
        directory = mnist_dir()
        if directory is None:
            raise FileNotFoundError("MNIST IDX files not found: set NDFLOW_DATA_DIR to a "
                                    "directory holding mnist/train-images-idx3-ubyte.gz ...")
        names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        x_tr, y_tr, x_te, y_te = (read_idx(os.path.join(directory, n + ".gz")) for n in names)
        return (x_tr, y_tr), (x_te, y_te)


class SyntheticMnist:
    load_data = staticmethod(synthetic_mnist)


def pick_mnist():
    if os.environ.get("NDFLOW_EXAMPLE_MNIST") == "synthetic":
        return SyntheticMnist
    try:
        keras_mnist = tf.keras.datasets.mnist
    except (ImportError, AttributeError):
        return LocalMnist
    directory = mnist_dir()

    class KerasMnist:  # keras.datasets.mnist, pointed at the local copy when there is one
        @staticmethod
        def load_data():
            return keras_mnist.load_data(directory) if directory else keras_mnist.load_data()
    return KerasMnist


tf.random.set_seed(0)  # the listing leaves seeding open; this makes runs repeatable

# softmax classification for Mnist Dataset
mnist = pick_mnist()
(x_train, y_train), (x_test, y_test) = mnist.load_data() # MNIST 데이터 셋 로드
x_train, x_test = x_train/255.0, x_test / 255.0 # MNIST의 x_train과 x_test 데이터를 255픽셀의 이미지로 설정
x_train = x_train.reshape(len(x_train),784).astype('float32') # x_train을 (60000,784)모양의 실수 행렬로 변환
x_test = x_test.reshape(len(x_test),784).astype('float32') # x_test를 (10000,784)모양의 실수 행렬로 변환
nb_classes=10 # 차원의 갯수 10
y_train_one_hot = tf.one_hot(y_train, nb_classes).numpy() # y_train one_hot_encoding
y_test_one_hot = tf.one_hot(y_test, nb_classes).numpy() # t_test one_hot_encoding
W=tf.Variable(tf.random.normal([784,nb_classes]), name='weight') # 가중치 정의 (784,10)모양의 난수 행렬
B=tf.Variable(tf.random.normal([nb_classes]), name='bias') # 편향 정의 10, 모양의 난수 행렬
@tf.function
def Hypothesis(X): # 가설 정의
    logits=tf.add(tf.matmul(tf.cast(X,tf.float32),W),B) # logit 정의 (softmax 입력에 쓰이기 위함)
    return tf.nn.softmax(logits) # softmax로 활성화
@tf.function
def loss(H, Y): # 비용 함수 정의
    entropy=-tf.reduce_sum(Y*tf.math.log(H), axis=1) # 엔트로피 정의 (log 함수)
    cost = tf.reduce_mean(entropy) # 크로스엔트로피로 비용함수 정의
    return cost
@tf.function
def train(X,Y, learning_rate=0.1): # 손실률이 최소화 되도록 훈련 (학습률은 0.1)
    with tf.GradientTape() as tape: # 기울기 연산을 위한 손실값 기록
        _loss=loss(Hypothesis(X),Y)
    _w,_b=tape.gradient(_loss, [W,B]) # 손실 값을 통한 조정된 가중치 및 편향 정의
    W.assign_sub(learning_rate * _w) # 조정된 가중치 반영
    B.assign_sub(learning_rate * _b) # 조정된 편향 반영
@tf.function
def evaluation(H,Y): # 정확도 계산
    prediction=tf.argmax(H,1) # 예측값
    correct_prediction=tf.equal(prediction, tf.argmax(Y,1)) # 목적값
    accuracy=tf.reduce_mean(tf.cast(correct_prediction, tf.float32)) # 정확도
    return prediction, accuracy
training_epochs = EPOCHS # epoch = 전체 데이터 셋을 학습시키는 횟수
batch_size = 100 # batch = 한번에 메모르에서 처리하는 데이터의 양
for epoch in range(training_epochs): # epoch횟수만큼 모델을 훈련
    avg_cost=0
    iterations=int(len(x_train)/batch_size)
    idx=0
    for i in range(iterations):
        batch_xs, batch_ys = x_train[idx:idx+batch_size,:], y_train_one_hot[idx:idx+batch_size,:]
        _c=loss(Hypothesis(batch_xs), batch_ys)
        train(batch_xs, batch_ys, learning_rate=0.15)
        avg_cost += _c/iterations
        idx += batch_size
    print("epoch: {:2d} loss: {}".format(epoch+1, avg_cost))
# report accuracy
print("\nAccuracy...")
_h=Hypothesis(x_test)
_p,_a=evaluation(_h, y_test_one_hot)
print("\nAccuracy=",_a.numpy())
