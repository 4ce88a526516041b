"""keras.utils: to_categorical, normalize, split_dataset, PyDataset/Sequence, get_file,
set_random_seed and the lazy re-exports."""
import hashlib
import io
import os
import random
import sys
import tarfile
import threading
import types
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

import ndflow
from ndflow.errors import DataLossError
from ndflow.keras import utils


# ----------------------------------------------------------------------------- to_categorical


def one_hot_reference(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]


def test_to_categorical_basic():
    y = np.array([0, 2, 1, 2])
    got = utils.to_categorical(y)
    assert got.dtype == np.float32 and got.shape == (4, 3)
    np.testing.assert_array_equal(got, one_hot_reference(y, 3))
    np.testing.assert_array_equal(utils.to_categorical(y, num_classes=5),
                                  one_hot_reference(y, 5))


def test_to_categorical_shapes_and_dtypes():
    column = np.array([[1], [0], [3]])
    assert utils.to_categorical(column, 4).shape == (3, 4)  # trailing 1 dropped, as Keras
    grid = np.array([[0, 1, 2], [2, 1, 0]])
    got = utils.to_categorical(grid, 3)
    assert got.shape == (2, 3, 3)
    np.testing.assert_array_equal(got, one_hot_reference(grid, 3))
    assert utils.to_categorical([1, 0], 2, dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(utils.to_categorical(np.array([1.0, 0.0])),
                                  one_hot_reference([1, 0], 2))
    assert utils.to_categorical(np.zeros(0, np.int64), 3).shape == (0, 3)


@pytest.mark.parametrize("labels, num_classes, error, message", [
    ([0, 3], 3, ValueError, r"labels must be in \[0, 3\).*label 3"),
    ([0, -1], 3, ValueError, "label -1"),
    ([0.5, 1.0], None, ValueError, "non-integral"),
    (["a", "b"], None, TypeError, "dtype <U1"),
    ([0, 1], 0, ValueError, "num_classes=0"),
])
def test_to_categorical_errors(labels, num_classes, error, message):
    with pytest.raises(error, match=message):
        utils.to_categorical(labels, num_classes)


def test_to_categorical_tensors():
    eager = utils.to_categorical(ndflow.constant([2, 0]), 3)
    assert ndflow.is_tensor(eager)
    np.testing.assert_array_equal(eager.numpy(), one_hot_reference([2, 0], 3))

    @ndflow.function
    def encode(y):
        return utils.to_categorical(y, 4)

    np.testing.assert_array_equal(encode(ndflow.constant([[3], [1]])).numpy(),
                                  one_hot_reference([3, 1], 4))


# ----------------------------------------------------------------------------- normalize


@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
@pytest.mark.parametrize("axis", [-1, 0, None])
def test_normalize_matches_definition(order, axis):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    x[1] = 0.0  # a zero row stays zero instead of becoming nan
    got = utils.normalize(x, axis=axis, order=order)
    magnitude = np.abs(x.astype(np.float64))
    if order == np.inf:
        norm = magnitude.max(axis=axis, keepdims=axis is not None)
    else:
        norm = (magnitude ** order).sum(axis=axis, keepdims=axis is not None) ** (1 / order)
    expected = x / np.where(norm == 0, 1, norm)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    assert np.all(np.isfinite(got))
    tensor = utils.normalize(ndflow.constant(x), axis=axis, order=order)
    np.testing.assert_allclose(tensor.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_normalize_dtypes_and_errors():
    assert utils.normalize(np.array([[3, 4]])).dtype == np.float32  # ints: no silent float64
    np.testing.assert_allclose(utils.normalize(np.array([[3, 4]])), [[0.6, 0.8]])
    assert utils.normalize(np.ones((2, 2))).dtype == np.float64  # float64 in, float64 out
    for order in (0, -1, 1.5, "l2"):
        with pytest.raises(ValueError, match="`order` must be an int >= 1"):
            utils.normalize(np.ones(3), order=order)


# ----------------------------------------------------------------------------- split_dataset


def test_split_dataset_structures():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    left, right = utils.split_dataset(x, left_size=0.8)
    np.testing.assert_array_equal(left, x[:8])
    np.testing.assert_array_equal(right, x[8:])
    (lx, ly), (rx, ry) = utils.split_dataset((x, y), right_size=3)
    np.testing.assert_array_equal(lx, x[:7])
    np.testing.assert_array_equal(ry, y[7:])
    left, right = utils.split_dataset({"a": x, "b": y}, left_size=2, right_size=5)
    assert set(left) == {"a", "b"} and len(left["a"]) == 2 and len(right["b"]) == 5
    np.testing.assert_array_equal(right["b"], y[5:])  # left from the start, right from the end
    left, right = utils.split_dataset([x, y], left_size=0.25)
    assert isinstance(left, list) and len(left[0]) == 2 and len(right[1]) == 8  # round(2.5)


def test_split_dataset_shuffle_is_seeded_permutation():
    x = np.arange(50)
    state = np.random.get_state()[1].copy()
    a_left, a_right = utils.split_dataset(x, left_size=0.6, shuffle=True, seed=3)
    b_left, b_right = utils.split_dataset(x, left_size=0.6, shuffle=True, seed=3)
    np.testing.assert_array_equal(a_left, b_left)
    assert sorted(np.concatenate([a_left, a_right]).tolist()) == x.tolist()
    assert not np.array_equal(a_left, x[:30])
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global RNG untouched
    c_left, _ = utils.split_dataset(x, left_size=0.6, shuffle=True, seed=4)
    assert not np.array_equal(a_left, c_left)


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "at least one of"),
    ({"left_size": 1.5}, ValueError, r"fraction must be in \(0, 1\)"),
    ({"left_size": 10}, ValueError, "smaller than the 10 samples"),
    ({"left_size": 6, "right_size": 6}, ValueError, "more than the dataset's 10"),
    ({"left_size": "half"}, TypeError, "must be an int, a float or None"),
    ({"left_size": 0.01}, ValueError, "left split would be empty"),
])
def test_split_dataset_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        utils.split_dataset(np.arange(10), **kwargs)


def test_split_dataset_unequal_lengths():
    with pytest.raises(ValueError, match="same length"):
        utils.split_dataset((np.arange(10), np.arange(9)), left_size=0.5)


# ----------------------------------------------------------------------------- PyDataset


class Batches(utils.PyDataset):
    def __init__(self, x, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.batch_size, self.epochs_ended = x, batch_size, 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        batch = self.x[index * self.batch_size:(index + 1) * self.batch_size]
        return batch, batch * 2

    def on_epoch_end(self):
        self.epochs_ended += 1


class OldStyleSequence(utils.Sequence):  # Keras 2 code often skips super().__init__()
    def __init__(self):
        self.items = [1, 2, 3]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


def test_py_dataset():
    data = Batches(np.arange(10), 4, workers=2)
    assert len(data) == 3 and data.num_batches == 3 and data.workers == 2
    x, y = data[2]
    np.testing.assert_array_equal(x, [8, 9])
    np.testing.assert_array_equal(y, [16, 18])
    assert [len(batch[0]) for batch in data] == [4, 4, 2]
    data.on_epoch_end()
    assert data.epochs_ended == 1
    old = OldStyleSequence()
    assert list(old) == [1, 2, 3] and old.workers == 1 and not old.use_multiprocessing
    assert utils.Sequence is utils.PyDataset


def test_py_dataset_unimplemented():
    class Endless(utils.PyDataset):
        def __getitem__(self, index):
            return index

    assert Endless().num_batches is None
    with pytest.raises(NotImplementedError, match="__getitem__"):
        utils.PyDataset()[0]


# ----------------------------------------------------------------------------- get_file


class FileServer:
    """HTTP on 127.0.0.1 serving `files` (URL path -> bytes) and recording requests."""

    def __init__(self):
        self.files, self.requests = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()


@pytest.fixture
def server():
    s = FileServer()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def test_get_file_downloads_once(server, home):
    body = b"col1,col2\n1,2\n"
    server.files["/data/table.csv"] = body
    path = utils.get_file(origin=server.url + "/data/table.csv")
    assert path == str(home / ".ndflow" / "datasets" / "table.csv")
    assert open(path, "rb").read() == body
    sha = hashlib.sha256(body).hexdigest()
    assert utils.get_file("table.csv", server.url + "/data/table.csv", file_hash=sha) == path
    assert len(server.requests) == 1  # cached and verified, not fetched again


def test_get_file_hash_checks(server, tmp_path):
    server.files["/f.bin"] = b"payload"
    with pytest.raises(DataLossError, match="SHA256 of the file is") as info:
        utils.get_file("f.bin", server.url + "/f.bin", file_hash="0" * 64,
                       cache_dir=tmp_path)
    assert "Nothing was written" in str(info.value)
    assert os.listdir(tmp_path / "datasets") == []
    md5 = hashlib.md5(b"payload").hexdigest()
    path = utils.get_file("f.bin", server.url + "/f.bin", file_hash=md5, cache_dir=tmp_path)
    assert open(path, "rb").read() == b"payload"
    # a cached file that no longer matches is fetched again, with a warning
    open(path, "wb").write(b"tampered")
    with pytest.warns(UserWarning, match="does not match"):
        utils.get_file("f.bin", server.url + "/f.bin", file_hash=md5, cache_dir=tmp_path)
    assert open(path, "rb").read() == b"payload" and len(server.requests) == 3


def test_get_file_arguments(tmp_path):
    with pytest.raises(ValueError, match="`origin`"):
        utils.get_file("x")
    with pytest.raises(ValueError, match="hash_algorithm"):
        utils.get_file("x", "http://127.0.0.1/x", hash_algorithm="crc")


def make_tar(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_get_file_extracts(server, tmp_path):
    server.files["/photos.tgz"] = make_tar({"photos/a/1.txt": b"one", "photos/b/2.txt": b"2"})
    server.files["/notes.zip"] = make_zip({"x.txt": b"x", "y/z.txt": b"z"})
    photos = utils.get_file(origin=server.url + "/photos.tgz", extract=True,
                            cache_dir=tmp_path)
    # a single top-level directory named like the archive is returned itself
    assert photos == str(tmp_path / "datasets" / "photos" / "photos")
    assert open(os.path.join(photos, "a", "1.txt"), "rb").read() == b"one"
    notes = utils.get_file("notes.zip", server.url + "/notes.zip", extract=True,
                           cache_dir=tmp_path)
    assert sorted(os.listdir(notes)) == ["x.txt", "y"]
    # Keras 2 style: a name without suffix and untar=True
    with pytest.warns(DeprecationWarning):
        again = utils.get_file("photos", server.url + "/photos.tgz", untar=True,
                               cache_dir=tmp_path / "k2")
    assert sorted(os.listdir(again)) == ["a", "b"]


def test_get_file_refuses_escaping_archive(server, tmp_path):
    server.files["/evil.tar.gz"] = make_tar({"../outside.txt": b"gotcha"})
    with pytest.raises(DataLossError, match="refusing to extract member '../outside.txt'"):
        utils.get_file(origin=server.url + "/evil.tar.gz", extract=True, cache_dir=tmp_path)
    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "datasets" / "evil").exists()


# ----------------------------------------------------------------------------- seeds


def draw():
    return (random.random(), np.random.rand(), ndflow.random.uniform([3]).numpy().tolist())


def test_set_random_seed_repeats_every_generator():
    utils.set_random_seed(42)
    first = draw()
    utils.set_random_seed(42)
    assert draw() == first
    utils.set_random_seed(43)
    assert draw() != first


@pytest.mark.parametrize("seed", [1.5, "1", None, -1, 2**32])
def test_set_random_seed_rejects(seed):
    with pytest.raises(ValueError, match="seed"):
        utils.set_random_seed(seed)


# ----------------------------------------------------------------------------- re-exports


def test_lazy_reexports(monkeypatch):
    fake_progbar = types.ModuleType("ndflow.keras.utils.progbar")
    fake_progbar.Progbar = type("Progbar", (), {})
    monkeypatch.setitem(sys.modules, "ndflow.keras.utils.progbar", fake_progbar)
    fake_saving = types.ModuleType("ndflow.keras.saving")
    fake_saving.register_keras_serializable = lambda *a, **k: None
    monkeypatch.setitem(sys.modules, "ndflow.keras.saving", fake_saving)
    assert utils.Progbar is fake_progbar.Progbar
    assert utils.register_keras_serializable is fake_saving.register_keras_serializable
    assert "plot_model" in dir(utils)
    with pytest.raises(AttributeError, match="no attribute 'not_a_util'"):
        utils.not_a_util
