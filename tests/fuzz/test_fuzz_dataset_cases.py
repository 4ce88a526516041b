"""The dataset-loader cases of issue 16 that random mutation rarely reaches: headers that
claim more than the file holds are refused before anything is allocated."""
import io
import tracemalloc
import zipfile

import numpy as np
import pytest

from ndflow.errors import DataLossError
from ndflow.keras.datasets._idx_dataset import load_npz
from ndflow.keras.datasets.idx import read_idx

_ROLES = ("x_train", "y_train", "x_test", "y_test")


def _npz(tmp_path, arrays, name="mnist.npz"):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def _arrays():
    return {k: np.zeros((2, 2), np.uint8) for k in _ROLES}


def test_truncated_npz_names_the_file(tmp_path):
    path = _npz(tmp_path, _arrays())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataLossError, match=r"mnist\.npz"):
        load_npz(path)


def test_npz_header_claiming_terabytes_is_refused_without_allocating(tmp_path):
    header = np.lib.format.header_data_from_array_1_0(np.zeros((2, 2), np.uint8))
    header["shape"] = (1 << 20, 1 << 20, 1 << 4)  # 16 TiB of uint8
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    buffer.write(b"\0" * 4)
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w") as z:
        for k in _ROLES:
            z.writestr(k + ".npy", buffer.getvalue())
    tracemalloc.start()
    try:
        with pytest.raises(DataLossError, match=r"bomb\.npz.*claims shape"):
            load_npz(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_npz_missing_an_array_says_which(tmp_path):
    arrays = _arrays()
    del arrays["y_test"]
    with pytest.raises(DataLossError, match=r"mnist\.npz.*missing arrays \['y_test'\]"):
        load_npz(_npz(tmp_path, arrays))


def test_idx_dims_whose_product_overflows_int64(tmp_path):
    path = tmp_path / "overflow-idx3-ubyte"
    dims = np.array([1 << 16] * 4, ">u4")  # product 2**64: 0 in int64 arithmetic
    path.write_bytes(bytes([0, 0, 8, 4]) + dims.tobytes())
    with pytest.raises(DataLossError, match=r"overflow-idx3-ubyte: truncated IDX data"):
        read_idx(path)
