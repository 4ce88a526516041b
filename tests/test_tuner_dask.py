"""Tuner trials and scikit-learn searches on a dask.distributed LocalCluster with 2 workers."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed", reason="needs dask.distributed "
                                  "(pip install 'ndflow[dask]')")

import ndflow.tuner as kt  # noqa: E402
from ndflow.tuner.dask_executor import DaskExecutor  # noqa: E402
from ndflow.tuner.trial import TrialStatus  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        c.wait_for_workers(2, timeout=60)
        yield c
    cluster.close()


class Quadratic(kt.RandomSearch):
    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        x = hp.Float("x", -1.0, 1.0)
        k = hp.Int("k", 1, 4)
        return {"loss": (x - args[0]) ** 2 + 0.01 * k, "pid": float(os.getpid())}


class GridQuadratic(kt.GridSearch):
    run_trial = Quadratic.run_trial


class BayesQuadratic(kt.BayesianOptimization):
    run_trial = Quadratic.run_trial


def _values(tuner):
    return [tuner.oracle.trials[t].hyperparameters.values
            for t in sorted(tuner.oracle.trials)]


def _best(tuner):
    return tuner.oracle.get_best_trials(1)[0].score


@pytest.mark.parametrize("cls, n_same", [(Quadratic, 8), (GridQuadratic, 8),
                                         (BayesQuadratic, 3)])
def test_dask_search_records_the_trials_of_a_serial_search(client, tmp_path, cls, n_same):
    kwargs = dict(objective="loss", max_trials=8, seed=3, directory=tmp_path, verbose=0)
    if cls is BayesQuadratic:
        kwargs["num_initial_points"] = 3
    dask_tuner = cls(project_name="dask", executor=client, **kwargs)
    dask_tuner.search(0.3)
    serial = cls(project_name="serial", **kwargs)
    serial.search(0.3)
    trials = list(dask_tuner.oracle.trials.values())
    assert len(trials) == 8 and all(t.status == TrialStatus.COMPLETED for t in trials)
    pids = {t.metrics.get_last_value("pid") for t in trials}
    assert os.getpid() not in pids          # every trial ran in a worker process
    # Random and Grid: the same trials; Bayesian: the same initial points (later ones depend
    # on which results had arrived when each was proposed)
    assert _values(dask_tuner)[:n_same] == _values(serial)[:n_same]
    if n_same == 8:
        assert _best(dask_tuner) == _best(serial)


def test_search_distribution_argument_uses_the_client_in_scope(client, tmp_path):
    tuner = Quadratic(objective="loss", max_trials=4, seed=1, directory=tmp_path,
                      project_name="p", verbose=0)
    tuner.search(0.0, distribution="dask")
    assert len(tuner.oracle.trials) == 4
    assert {t.status for t in tuner.oracle.trials.values()} == {TrialStatus.COMPLETED}


def test_one_trial_per_worker_at_a_time(client):
    executor = DaskExecutor(client)
    assert executor.max_workers == 2
    futures = [executor.submit(time.sleep, 0.2) for _ in range(2)]
    with pytest.raises(RuntimeError, match="every worker is running a trial"):
        executor.submit(time.sleep, 0.2)
    done = executor.wait_first(futures)
    assert done
    executor.submit(time.sleep, 0.0)  # a worker is free again
    executor.shutdown()


def test_bad_executor_is_named():
    with pytest.raises(TypeError, match="executor/distribution must be"):
        Quadratic(objective="loss", max_trials=1, executor=object(), verbose=0,
                  directory=os.devnull + "_unused")


_CHIEF = textwrap.dedent("""
    import os, sys, time
    import dask.distributed as distributed
    import ndflow.tuner as kt

    SLEEP = float(sys.argv[3])  # travels with run_trial to the workers (cloudpickle)

    class Slow(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            x = trial.hyperparameters.Float("x", -1.0, 1.0)
            time.sleep(SLEEP)
            return {"loss": (x - 0.5) ** 2}

    directory, address = sys.argv[1], sys.argv[2]
    client = distributed.Client(address) if address != "serial" else None
    tuner = Slow(objective="loss", max_trials=8, seed=11, directory=directory,
                 project_name="resume", executor=client, verbose=0)
    tuner.search()
    best = tuner.oracle.get_best_trials(1)[0]
    print("BEST", best.trial_id, best.score)
""")


def _completed(project):
    done = []
    for entry in sorted(os.listdir(project)) if os.path.isdir(project) else []:
        path = os.path.join(project, entry, "trial.json")
        if entry.startswith("trial_") and os.path.exists(path):
            if json.load(open(path))["status"] == "COMPLETED":
                done.append(entry)
    return done


def _trial_values(project):
    return [json.load(open(os.path.join(project, d, "trial.json")))["hyperparameters"]["values"]
            for d in sorted(os.listdir(project)) if d.startswith("trial_")]


def test_killed_chief_resumes_on_the_cluster(client, tmp_path):
    script = tmp_path / "chief.py"
    script.write_text(_CHIEF)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    address = client.scheduler.address
    project = tmp_path / "runs" / "resume"
    chief = subprocess.Popen([sys.executable, str(script), str(tmp_path / "runs"), address,
                              "0.4"], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and chief.poll() is None and len(_completed(project)) < 2:
        time.sleep(0.05)
    chief.send_signal(signal.SIGKILL)
    chief.wait()
    before = _completed(project)
    assert 2 <= len(before) < 8
    resumed = subprocess.run([sys.executable, str(script), str(tmp_path / "runs"), address,
                              "0.0"], env=env, capture_output=True, text=True, timeout=180)
    assert resumed.returncode == 0, resumed.stderr
    assert len(_completed(project)) == 8
    serial = subprocess.run([sys.executable, str(script), str(tmp_path / "serial"), "serial",
                             "0.0"], env=env, capture_output=True, text=True, timeout=180)
    assert serial.returncode == 0, serial.stderr
    # the resumed search tried exactly the trials of an uninterrupted serial one, and agrees
    # on the best
    assert _trial_values(project) == _trial_values(tmp_path / "serial" / "resume")
    assert resumed.stdout.split()[-2:] == serial.stdout.split()[-2:]


@pytest.mark.filterwarnings("ignore:Stochastic Optimizer")  # sklearn's own max_iter warning
def test_sklearn_search_with_the_joblib_dask_backend(client):
    joblib = pytest.importorskip("joblib")
    model_selection = pytest.importorskip("sklearn.model_selection")
    from ndflow.sklearn import MLPClassifier
    rng = np.random.RandomState(0)
    x = rng.randn(120, 4).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    grid = {"hidden_layer_sizes": [(4,), (8,)], "alpha": [1e-4, 1e-2]}

    def search():
        est = MLPClassifier(max_iter=30, random_state=0)
        return model_selection.GridSearchCV(est, grid, cv=2, n_jobs=2).fit(x, y)

    with joblib.parallel_backend("dask"):
        on_dask = search()
    local = search()
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"],
                               local.cv_results_["mean_test_score"])
    assert on_dask.best_params_ == local.best_params_


def _build_classifier(hp):
    from ndflow import keras
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(hp.Int("units", 4, 16, step=4),
                                                 activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_keras_trials_on_workers_leave_loadable_checkpoints(client, tmp_path):
    rng = np.random.RandomState(1)
    x = rng.randn(96, 4).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    tuner = kt.RandomSearch(_build_classifier, objective="val_accuracy", max_trials=3, seed=2,
                            directory=tmp_path, project_name="keras", executor=client,
                            verbose=0)
    tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    trials = tuner.oracle.trials.values()
    assert [t.status for t in trials] == [TrialStatus.COMPLETED] * 3
    best_trial = tuner.oracle.get_best_trials(1)[0]
    best = tuner.get_best_models(1)[0]   # built here from a checkpoint a worker wrote
    assert best.layers[0].units == best_trial.hyperparameters.values["units"]
    assert best.predict(x[:5], verbose=0).shape == (5, 2)
