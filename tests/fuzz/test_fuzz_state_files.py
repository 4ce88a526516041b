"""Fuzzing tuner state (oracle.json, trial.json) and BackupAndRestore backups (issue 16):
every mutant is refused with a documented ndflow error naming the file, or restores exactly
the original state. Nothing is written outside the project or backup directory."""
import os
import shutil
import tempfile

import numpy as np
from hypothesis import given

import ndflow.tuner as kt
from ndflow import keras

from fuzz_helpers import (FUZZ, PEAK_BYTES, assert_clear_error, listing, mutate, mutations,
                          record, run_bounded)


class _Quadratic(kt.RandomSearch):
    def run_trial(self, trial, *args, **kwargs):
        x = trial.hyperparameters.Float("x", -1.0, 1.0)
        return {"loss": (x - 0.25) ** 2}


def _project():
    root = tempfile.mkdtemp()
    tuner = _Quadratic(objective="loss", max_trials=2, seed=5, directory=root,
                       project_name="p", verbose=0)
    tuner.search()
    project = os.path.join(root, "p")
    files = {}
    for dirpath, _, names in os.walk(project):
        for name in names:
            path = os.path.join(dirpath, name)
            files[os.path.relpath(path, project)] = open(path, "rb").read()
    state = _state(tuner)
    shutil.rmtree(root)
    return files, state


def _state(tuner):
    return (tuner.oracle.seed, sorted(tuner.oracle._tried_so_far),
            {t: (s.status, s.score, s.hyperparameters.values)
             for t, s in tuner.oracle.trials.items()})


_FILES, _STATE = _project()


def _check_tuner_mutant(member, edits):
    with tempfile.TemporaryDirectory() as root:
        project = os.path.join(root, "p")
        for rel, data in _FILES.items():
            os.makedirs(os.path.dirname(os.path.join(project, rel)), exist_ok=True)
            with open(os.path.join(project, rel), "wb") as f:
                f.write(mutate(data, edits) if rel == member else data)
        before = listing(root, os.getcwd())

        def load():
            return _state(_Quadratic(objective="loss", max_trials=2, seed=5, directory=root,
                                     project_name="p", verbose=0))

        result, error, peak, _ = run_bounded(load)
        assert peak < PEAK_BYTES
        assert listing(root, os.getcwd()) == before, "the reload wrote files"
        if error is None:
            assert result == _STATE, "a mutant loaded different state without an error"
            record(member, "identical load")
        else:
            assert_clear_error(error, os.path.join(project, member))
            record(member, "clear error")


@FUZZ
@given(edits=mutations(len(_FILES["oracle.json"])))
def test_fuzz_oracle_json(edits):
    _check_tuner_mutant("oracle.json", edits)


_TRIAL = os.path.join("trial_01", "trial.json")


@FUZZ
@given(edits=mutations(len(_FILES[_TRIAL])))
def test_fuzz_trial_json(edits):
    _check_tuner_mutant(_TRIAL, edits)


# --- BackupAndRestore ------------------------------------------------------------------------

def _backup():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    x = np.linspace(0, 1, 24, dtype=np.float32).reshape(8, 3)
    y = np.ones((8, 2), np.float32)
    with tempfile.TemporaryDirectory() as d:
        model.fit(x, y, epochs=1, verbose=0, callbacks=[
            keras.callbacks.BackupAndRestore(d, delete_checkpoint=False)])
        data = open(os.path.join(d, "backup.npz"), "rb").read()
    return model, data, [w.copy() for w in model.get_weights()]


_MODEL, _BACKUP, _WEIGHTS = _backup()


@FUZZ
@given(edits=mutations(len(_BACKUP)))
def test_fuzz_backup(edits):
    for w, v in zip(_MODEL.weights, _WEIGHTS):
        w.assign(np.zeros_like(v))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "backup.npz")
        with open(path, "wb") as f:
            f.write(mutate(_BACKUP, edits))
        before = listing(d, os.getcwd())

        def load():  # what fit does first: the callback restores at train begin
            callback = keras.callbacks.BackupAndRestore(d, delete_checkpoint=False)
            callback.set_model(_MODEL)
            callback.set_params({"epochs": 2, "verbose": 0})
            callback.on_train_begin()
            return _MODEL.get_weights()

        result, error, peak, _ = run_bounded(load)
        assert peak < PEAK_BYTES
        if error is None:
            assert listing(d, os.getcwd()) == before
            for got, want in zip(result, _WEIGHTS):
                np.testing.assert_array_equal(got, want)
            record("BackupAndRestore", "identical load")
        else:
            assert_clear_error(error, path)
            for w in _MODEL.get_weights():   # refused: the model was not touched
                np.testing.assert_array_equal(w, np.zeros_like(w))
            record("BackupAndRestore", "clear error")
