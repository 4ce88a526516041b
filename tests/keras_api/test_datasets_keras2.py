"""keras.datasets boston_housing, cifar10/100 (binary archives), imdb/reuters (Keras's npz,
read without unpickling), from small files generated here: never the network."""
import hashlib
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from ndflow import keras
from ndflow.framework.errors import DataLossError, NotFoundError
from ndflow.keras.datasets import (_object_npz, boston_housing, cifar10, cifar100, imdb,
                                   reuters)

from .keras2_cases import make_dataset_files


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.delenv("NDFLOW_DATA_DIR", raising=False)
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", (tmp_path / "mirror").as_uri())
    return tmp_path


def _cifar_archive(path, inner, names, label_bytes, n=4, seed=0):
    rng = np.random.default_rng(seed)
    records = {}
    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            labels = rng.integers(0, 100, (n, label_bytes)).astype(np.uint8)
            pixels = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
            data = np.concatenate([labels, pixels], 1).tobytes()
            info = tarfile.TarInfo(f"{inner}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            records[name] = (labels, pixels)
    return records


def test_cifar10_binary_layout_as_keras(home):
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    path = str(home / "c10.tar.gz")
    records = _cifar_archive(path, "cifar-10-batches-bin", names, 1)
    (x, y), (xt, yt) = cifar10.load_data(path)
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((20, 32, 32, 3), np.uint8, (20, 1), np.uint8)
    assert (xt.shape, yt.shape) == ((4, 32, 32, 3), (4, 1))
    labels, pixels = records["data_batch_2.bin"]
    np.testing.assert_array_equal(x[4:8], pixels.reshape(4, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y[4:8], labels)
    keras.backend.set_image_data_format("channels_first")
    try:
        (x_first, _), _ = cifar10.load_data(path)
    finally:
        keras.backend.set_image_data_format("channels_last")
    assert x_first.shape == (20, 3, 32, 32)
    # the extracted directory works too, from NDFLOW_DATA_DIR
    data_dir = home / "data" / "cifar10" / "cifar-10-batches-bin"
    data_dir.mkdir(parents=True)
    with tarfile.open(path) as archive:
        for name in names:
            (data_dir / name).write_bytes(
                archive.extractfile(f"cifar-10-batches-bin/{name}").read())
    os.environ["NDFLOW_DATA_DIR"] = str(home / "data")
    try:
        (x_dir, _), _ = cifar10.load_data()
    finally:
        del os.environ["NDFLOW_DATA_DIR"]
    np.testing.assert_array_equal(x_dir, x)


def test_cifar100_labels_and_bad_files(home):
    path = str(home / "c100.tar.gz")
    records = _cifar_archive(path, "cifar-100-binary", ["train.bin", "test.bin"], 2)
    (_, fine), _ = cifar100.load_data(path=path)
    (_, coarse), (_, coarse_test) = cifar100.load_data("coarse", path=path)
    np.testing.assert_array_equal(fine[:, 0], records["train.bin"][0][:, 1])
    np.testing.assert_array_equal(coarse[:, 0], records["train.bin"][0][:, 0])
    assert coarse_test.shape == (4, 1)
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium", path=path)
    truncated = home / "bad.tar.gz"
    with tarfile.open(truncated, "w:gz") as archive:
        for name in ("train.bin", "test.bin"):
            info = tarfile.TarInfo(f"cifar-100-binary/{name}")
            info.size = 100
            archive.addfile(info, io.BytesIO(b"\0" * 100))
    with pytest.raises(DataLossError, match="whole number of 3074-byte records"):
        cifar100.load_data(path=str(truncated))
    with pytest.raises(DataLossError, match="cannot read"):
        cifar10.load_data(path=_write(home / "junk.tar.gz", b"not a tar"))


def _write(path, data):
    path.write_bytes(data)
    return str(path)


def test_offline_errors_name_the_places(home):
    with pytest.raises(NotFoundError, match="cifar-10-binary.tar.gz is missing") as info:
        cifar10.load_data()
    assert "NDFLOW_DATA_DIR" in str(info.value) and "path=" in str(info.value)
    with pytest.raises(NotFoundError, match="imdb.npz is missing"):
        imdb.load_data()
    with pytest.raises(NotFoundError, match="does not exist"):
        boston_housing.load_data(path=str(home / "nowhere" / "b.npz"))


def test_download_into_cache_checks_the_hash(home, monkeypatch):
    paths = make_dataset_files(str(home))
    mirror = home / "mirror" / "boston_housing"
    mirror.mkdir(parents=True)
    data = open(paths["boston_housing"], "rb").read()
    (mirror / "boston_housing.npz").write_bytes(data)
    with pytest.raises(DataLossError, match="SHA256"):  # not the published file
        boston_housing.load_data()
    monkeypatch.setattr(boston_housing, "SHA256", hashlib.sha256(data).hexdigest())
    (x, y), (xt, yt) = boston_housing.load_data()
    assert x.shape == (18, 13) and xt.shape == (5, 13) and x.dtype == np.float64
    cached = home / "home" / ".ndflow" / "datasets" / "boston_housing" / "boston_housing.npz"
    assert cached.read_bytes() == data
    (mirror / "boston_housing.npz").unlink()
    (x2, _), _ = boston_housing.load_data()  # from the cache, offline
    np.testing.assert_array_equal(x2, x)
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_object_arrays_are_parsed_never_unpickled(home, monkeypatch):
    monkeypatch.chdir(home)
    evil = np.empty(2, dtype=object)
    evil[0], evil[1] = _Evil(), [1, 2]
    np.savez(home / "evil.npz", x_train=evil, y_train=np.arange(2), x_test=evil,
             y_test=np.arange(2))
    with pytest.raises(DataLossError, match="refers to .*system.*refused"):
        imdb.load_data(path=str(home / "evil.npz"))
    assert not (home / "PWNED").exists()
    # lists shared through the memo many times over: refused, not expanded
    big = list(range(5000))
    shared = np.empty(200, dtype=object)
    for i in range(200):
        shared[i] = big
    np.savez(home / "bomb.npz", x=shared, y=np.zeros(200, np.int64))
    with pytest.raises(DataLossError, match="shared many times"):
        reuters.load_data(path=str(home / "bomb.npz"))
    # what np.save writes for int-list elements stored as int arrays is read too
    arrays = np.empty(2, dtype=object)
    arrays[0], arrays[1] = np.array([3, 4], np.int64), np.array([5], np.int32)
    stream = pickle.dumps(arrays, protocol=3)
    assert _object_npz.parse_object_array(stream, "t") == [[3, 4], [5]]
    with pytest.raises(DataLossError, match="opcode|refused|malformed"):
        _object_npz.parse_object_array(stream[:-5] + b"\x93x.", "t")


def test_word_index_json(home):
    (home / "imdb_word_index.json").write_text('{"the": 1, "and": 2}')
    assert imdb.get_word_index(str(home / "imdb_word_index.json")) == {"the": 1, "and": 2}
    assert len(reuters.get_label_names()) == 46 and reuters.get_label_names()[3] == "earn"
    with pytest.raises(TypeError, match="num_words"):
        imdb.load_data(nb_words=10)


def test_mutated_object_streams_fail_cleanly():
    seqs = np.empty(3, dtype=object)
    seqs[0], seqs[1], seqs[2] = [1, 2, 3], [4], [5, 6]
    stream = bytearray(pickle.dumps(seqs, protocol=3))
    rng = np.random.default_rng(0)
    for _ in range(300):
        mutated = bytearray(stream)
        for i in rng.integers(0, len(mutated), rng.integers(1, 4)):
            mutated[i] = int(rng.integers(0, 256))
        try:
            out = _object_npz.parse_object_array(bytes(mutated), "t")
        except DataLossError:
            continue
        assert all(isinstance(s, list) for s in out)
