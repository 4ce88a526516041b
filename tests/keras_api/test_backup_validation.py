"""BackupAndRestore refuses a backup it cannot trust, naming the file, and changes nothing."""
import io
import os
import zipfile

import numpy as np
import pytest

from ndflow import keras
from ndflow.framework.errors import DataLossError, InvalidArgumentError
from ndflow.keras.callbacks import _write_backup


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def _data():
    rng = np.random.RandomState(0)
    return rng.rand(16, 3).astype(np.float32), rng.rand(16, 2).astype(np.float32)


def _fit(model, backup_dir, epochs=3):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, verbose=0,
                     callbacks=[keras.callbacks.BackupAndRestore(str(backup_dir))])


def _backup_of(model, path, epoch):
    _write_backup(str(path), model.get_weights(), [], {"epoch": epoch, "saved_at": 0.0})


@pytest.mark.parametrize("epoch", [10 ** 9, -1, 1.5, "2", True, None])
def test_absurd_epoch_is_refused_and_names_the_file(tmp_path, epoch):
    model = _model()
    _backup_of(model, tmp_path / "backup.npz", epoch)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(InvalidArgumentError, match=r"backup\.npz records epoch"):
        _fit(model, tmp_path)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_a_valid_epoch_resumes_there(tmp_path):
    model = _model()
    _backup_of(model, tmp_path / "backup.npz", 2)
    history = _fit(model, tmp_path, epochs=3)
    assert history.epoch == [2]


def test_backup_of_another_model_is_refused(tmp_path):
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    _backup_of(other, tmp_path / "backup.npz", 1)
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(InvalidArgumentError, match=r"backup\.npz holds 2 weights of shapes"):
        _fit(model, tmp_path)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def _rewrite_member(path, name, transform):
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[name] = transform(members[name])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def test_changed_weight_bytes_are_detected_by_the_checksum(tmp_path):
    model = _model()
    path = tmp_path / "backup.npz"
    _backup_of(model, path, 1)
    # flip a bit of the last weight's data: still a valid .npy of the same shape
    _rewrite_member(path, "weight_00001.npy", lambda b: b[:-1] + bytes([b[-1] ^ 1]))
    with pytest.raises(DataLossError, match=r"backup\.npz: its arrays do not match"):
        _fit(model, tmp_path)


def test_a_header_claiming_terabytes_is_refused_before_allocating(tmp_path):
    model = _model()
    path = tmp_path / "backup.npz"
    _backup_of(model, path, 1)

    def claim_huge(data):
        header_end = data.index(b"\n") + 1
        header = data[:header_end].replace(b"(3, 2)", b"(1000000, 1000000)")
        return header + data[header_end:]
    _rewrite_member(path, "weight_00000.npy", claim_huge)
    with pytest.raises(DataLossError, match=r"backup\.npz: array 'weight_00000' claims"):
        _fit(model, tmp_path)


def test_metadata_that_is_not_json_is_refused(tmp_path):
    model = _model()
    path = tmp_path / "backup.npz"
    _write_backup(str(path), model.get_weights(), [], {"epoch": 1})
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    os.remove(path)
    arrays = {n[:-4]: np.load(io.BytesIO(d)) for n, d in members.items()}
    arrays["meta"] = np.frombuffer(b"{not json", np.uint8)
    from ndflow.keras.utils.npz_files import with_checksum
    arrays.pop("ndflow_sha256")
    np.savez(path, **with_checksum(arrays))
    with pytest.raises(InvalidArgumentError, match=r"backup\.npz is not a readable backup"):
        _fit(model, tmp_path)
