"""keras.datasets: the IDX reader, finding/downloading/caching MNIST-style files, the
embedded subset, and (where present) the real MNIST."""
import dataclasses
import gzip
import hashlib
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from ndflow.errors import DataLossError, NotFoundError
from ndflow.keras.datasets import fashion_mnist, mnist
from ndflow.keras.datasets.idx import idx_bytes, read_idx, write_idx

REAL_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
NAMES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


# ----------------------------------------------------------------------------- helpers


class FileServer:
    """An HTTP server on 127.0.0.1 serving `files` (URL path -> bytes), counting requests;
    paths in `truncate` announce their full length but send only half and hang up."""

    def __init__(self):
        self.files, self.requests, self.truncate = {}, [], set()
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
                self.wfile.write(body[: len(body) // 2] if self.path in server.truncate
                                 else body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def refused_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def small_dataset(seed=0):
    rng = np.random.default_rng(seed)
    return {"x_train": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 12, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, 5, dtype=np.uint8)}


def spec_for(base_spec, arrays, hash_of="contents"):
    """`base_spec` with the hashes of `arrays` (of their IDX bytes, or of their .gz)."""
    files = {}
    for role, idx_file in base_spec.files.items():
        payload = idx_bytes(arrays[role])
        if hash_of == "gz":
            payload = gzip.compress(payload, mtime=0)
        files[role] = dataclasses.replace(idx_file, sha256=hashlib.sha256(payload).hexdigest(),
                                          hash_of=hash_of)
    return dataclasses.replace(base_spec, files=files)


def assert_same(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, role in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"),
                      (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[role])


def leftovers(directory):
    return [p for p in os.listdir(directory) if p.endswith(".part")] \
        if os.path.isdir(directory) else []


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty home (so the cache is ~/.ndflow under tmp) and no NDFLOW_DATA_DIR."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.delenv("NDFLOW_DATA_DIR", raising=False)
    monkeypatch.delenv("NDFLOW_DATASETS_MIRROR", raising=False)
    return tmp_path / "home"


@pytest.fixture
def server():
    s = FileServer()
    yield s
    s.close()


@pytest.fixture
def served_mnist(home, server, monkeypatch):
    """Small generated MNIST files served by `server`, which mnist.load_data downloads."""
    arrays = small_dataset()
    monkeypatch.setattr(mnist, "SPEC", spec_for(mnist.SPEC, arrays))
    for role, name in NAMES.items():
        server.files[f"/mnist/{name}.gz"] = gzip.compress(idx_bytes(arrays[role]))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", server.url)
    return arrays, home / ".ndflow" / "datasets" / "mnist"


# ----------------------------------------------------------------------------- IDX reader


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip(tmp_path, dtype, compress):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == "uint8":
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    # the name never says .gz: gzip is recognised by content
    path = write_idx(tmp_path / "data.idx", array, compress=compress)
    got = read_idx(path)
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    assert got.shape == (2, 3, 4) and got.flags.writeable
    np.testing.assert_array_equal(got, array)


def test_idx_is_big_endian(tmp_path):
    raw = bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE])
    (tmp_path / "f").write_bytes(raw)
    np.testing.assert_array_equal(read_idx(tmp_path / "f"), np.array([258, -2], np.int16))


@pytest.mark.parametrize("content, message", [
    (b"<html>Not Found</html>", "not an IDX file"),
    (b"\0\0", "too short"),
    (bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 7]), "unknown data type code 0x42"),
    (bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]), "truncated IDX header"),
    (bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + b"\1" * 5, "truncated IDX data"),
    (bytes([0, 0, 8, 1, 0, 0, 0, 2]) + b"\1\2\3", "wrong IDX length"),
    (bytes([0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF]) + b"\1", "truncated IDX data"),
])
def test_idx_bad_files(tmp_path, content, message):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(DataLossError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_idx_truncated_gzip(tmp_path):
    data = gzip.compress(idx_bytes(np.arange(1000, dtype=np.int32)))
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataLossError, match="corrupt or truncated gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_idx_bytes_refuses_unsupported_dtype():
    with pytest.raises(ValueError, match="uint16"):
        idx_bytes(np.zeros(3, np.uint16))


# ----------------------------------------------------------------------------- downloads


def test_download_then_cache_hit(served_mnist, server):
    arrays, cache = served_mnist
    assert_same(mnist.load_data(), arrays)
    assert sorted(server.requests) == sorted(f"/mnist/{n}.gz" for n in NAMES.values())
    assert sorted(os.listdir(cache)) == sorted(n + ".gz" for n in NAMES.values())
    assert_same(mnist.load_data(), arrays)
    assert len(server.requests) == 4  # the second call read the cache


def test_corrupted_download_leaves_nothing(served_mnist, server):
    arrays, cache = served_mnist
    bad = arrays["y_train"].copy()
    bad[0] = (bad[0] + 1) % 10
    server.files["/mnist/train-labels-idx1-ubyte.gz"] = gzip.compress(idx_bytes(bad))
    with pytest.raises(DataLossError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "train-labels-idx1-ubyte.gz" in message and "SHA256" in message
    assert hashlib.sha256(idx_bytes(arrays["y_train"])).hexdigest() in message
    assert not (cache / "train-labels-idx1-ubyte.gz").exists()
    assert leftovers(cache) == []
    # once the mirror serves the right file, the next call completes the cache
    server.files["/mnist/train-labels-idx1-ubyte.gz"] = gzip.compress(
        idx_bytes(arrays["y_train"]))
    assert_same(mnist.load_data(), arrays)


def test_truncated_download_leaves_nothing(served_mnist, server):
    arrays, cache = served_mnist
    server.truncate.add("/mnist/train-images-idx3-ubyte.gz")
    with pytest.raises(DataLossError, match="truncated download: received") as info:
        mnist.load_data()
    assert "train-images-idx3-ubyte.gz" in str(info.value)
    assert not (cache / "train-images-idx3-ubyte.gz").exists()
    assert leftovers(cache) == []


def test_mirrors_are_tried_in_order(home, server, monkeypatch):
    arrays = small_dataset(1)
    for role, name in NAMES.items():
        server.files[f"/second/{name}.gz"] = gzip.compress(idx_bytes(arrays[role]))
    spec = dataclasses.replace(spec_for(mnist.SPEC, arrays),
                               mirrors=(refused_url() + "/", server.url + "/missing/",
                                        server.url + "/second/"))
    monkeypatch.setattr(mnist, "SPEC", spec)
    assert_same(mnist.load_data(), arrays)
    assert sum(p.startswith("/missing/") for p in server.requests) == 4  # 404, then next


def test_offline_error_says_what_is_missing_and_where(home, monkeypatch, tmp_path):
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(NotFoundError) as info:
        mnist.load_data()
    message = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    for name in NAMES.values():
        assert name + ".gz" in message
    assert str(tmp_path / "data" / "mnist") in message
    assert str(home / ".ndflow" / "datasets" / "mnist") in message
    assert "NDFLOW_DATA_DIR" in message and "load_embedded()" in message
    assert "cannot connect" in message
    assert leftovers(home / ".ndflow" / "datasets" / "mnist") == []


def test_fashion_mnist_verifies_gz_hashes(home, server, monkeypatch):
    arrays = small_dataset(2)
    monkeypatch.setattr(fashion_mnist, "SPEC", spec_for(fashion_mnist.SPEC, arrays, "gz"))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", server.url)
    for role, name in NAMES.items():
        server.files[f"/fashion_mnist/{name}.gz"] = gzip.compress(idx_bytes(arrays[role]),
                                                                  mtime=0)
    assert_same(fashion_mnist.load_data(), arrays)
    assert (home / ".ndflow" / "datasets" / "fashion_mnist" / "t10k-images-idx3-ubyte.gz"
            ).exists()
    assert len(fashion_mnist.CLASS_NAMES) == 10


# ----------------------------------------------------------------------------- local files


def write_set(directory, arrays, compress):
    directory.mkdir(parents=True, exist_ok=True)
    for role, name in NAMES.items():
        write_idx(directory / (name + (".gz" if compress else "")), arrays[role])


@pytest.mark.parametrize("compress", [True, False])
def test_data_dir_is_searched_first(home, monkeypatch, tmp_path, compress):
    arrays = small_dataset(3)
    write_set(tmp_path / "data" / "mnist", arrays, compress)
    write_set(home / ".ndflow" / "datasets" / "mnist", small_dataset(4), True)
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    assert_same(mnist.load_data(), arrays)


def test_path_directory(home, monkeypatch, tmp_path):
    arrays = small_dataset(5)
    write_set(tmp_path / "mine", arrays, False)
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    assert_same(mnist.load_data(path=tmp_path / "mine"), arrays)
    with pytest.raises(NotFoundError, match="neither a directory nor"):
        mnist.load_data(path=tmp_path / "nowhere")


def test_keras_npz_is_accepted(home, monkeypatch):
    arrays = small_dataset(6)
    cache = home / ".ndflow" / "datasets" / "mnist"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **arrays)
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    assert_same(mnist.load_data(), arrays)
    assert_same(mnist.load_data(path="mnist.npz"), arrays)
    assert_same(mnist.load_data(path=cache / "mnist.npz"), arrays)


def test_npz_needing_pickle_is_refused(home, tmp_path):
    arrays = dict(small_dataset(7), y_test=np.array([{"a": 1}], dtype=object))
    np.savez(tmp_path / "evil.npz", **arrays)
    with pytest.raises(DataLossError, match="without pickle"):
        mnist.load_data(path=tmp_path / "evil.npz")


def test_inconsistent_files_are_reported(home, monkeypatch, tmp_path):
    arrays = small_dataset(8)
    arrays["y_train"] = arrays["y_train"][:-1]
    write_set(tmp_path / "d", arrays, True)
    with pytest.raises(DataLossError, match="11 labels for the 12 images"):
        mnist.load_data(path=tmp_path / "d")


# ----------------------------------------------------------------------------- shipped data


def test_embedded_subset():
    (x_train, y_train), (x_test, y_test) = mnist.load_embedded()
    assert x_train.shape == (5000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y_train.shape == (5000,) and y_test.shape == (1000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    # stratified: each class within one image of its share of the full MNIST split
    full_train = np.array([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    full_test = np.array([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    assert np.all(np.abs(np.bincount(y_train) - full_train * 5000 / 60000) < 1)
    assert np.all(np.abs(np.bincount(y_test) - full_test * 1000 / 10000) < 1)
    assert 30 < x_train.mean() < 40  # real digits, not noise or blanks


@pytest.mark.skipif(not REAL_MNIST.is_dir(), reason="real MNIST not at ../shared/data/mnist")
def test_real_mnist(home, monkeypatch):
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(REAL_MNIST.parent))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918,
                                             6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                            974, 1009]
    assert x_train.max() == 255 and x_train.min() == 0


def test_partial_cache_downloads_only_what_is_missing(served_mnist, server, monkeypatch):
    arrays, cache = served_mnist
    cache.mkdir(parents=True)
    write_idx(cache / "train-images-idx3-ubyte", arrays["x_train"])  # uncompressed, cached
    assert_same(mnist.load_data(), arrays)
    assert "/mnist/train-images-idx3-ubyte.gz" not in server.requests
    assert len(server.requests) == 3
    # offline with one file missing: the message names just that one
    os.remove(cache / "t10k-labels-idx1-ubyte.gz")
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    with pytest.raises(NotFoundError, match="Missing: t10k-labels-idx1-ubyte.gz\n"):
        mnist.load_data()


def test_a_damaged_cached_file_is_downloaded_again(served_mnist, server):
    arrays, cache = served_mnist
    mnist.load_data()                                   # downloads into the cache
    labels = cache / (NAMES["y_test"] + ".gz")
    damaged = idx_bytes(np.zeros_like(arrays["y_test"]))  # valid IDX, other values
    labels.write_bytes(gzip.compress(damaged))
    assert_same(mnist.load_data(), arrays)              # noticed and fetched again
    assert gzip.decompress(labels.read_bytes()) == idx_bytes(arrays["y_test"])


def test_a_damaged_cached_file_offline_is_a_clear_error(served_mnist, server, monkeypatch):
    arrays, cache = served_mnist
    mnist.load_data()
    labels = cache / (NAMES["y_test"] + ".gz")
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros_like(arrays["y_test"]))))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", refused_url())
    with pytest.raises(DataLossError, match=r"t10k-labels-idx1-ubyte\.gz: SHA-256 [0-9a-f]{64} "
                                            r"is not that of the published MNIST file"):
        mnist.load_data()
