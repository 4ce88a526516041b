"""ndflow.tuner: hyperparameters, oracles, the search loop, storage/resume, Keras trials."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import ndflow.errors as kt_errors
import ndflow.tuner as kt
from ndflow.tuner.trial import TrialStatus




@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # Small matrices: one BLAS thread is faster, and steady on a shared 2-core machine.
    try:
        import threadpoolctl
    except ImportError:
        yield
        return
    with threadpoolctl.threadpool_limits(1):
        yield


# --- HyperParameters ---------------------------------------------------------------------------
def test_hyperparameters_register_defaults_and_values():
    hp = kt.HyperParameters()
    assert hp.Int("n_hidden", 0, 8, default=2) == 2
    assert hp.Int("units", 16, 256, step=16) == 16
    assert hp.Float("lr", 1e-4, 1e-2, sampling="log") == 1e-4
    assert hp.Choice("optimizer", ["sgd", "adam"]) == "sgd"
    assert hp.Boolean("normalize") is False
    assert hp.Fixed("batch", 32) == 32
    hp.values["units"] = 64
    assert hp.Int("units", 16, 256, step=16) == 64  # a known name returns its value
    assert [h.name for h in hp.space] == ["n_hidden", "units", "lr", "optimizer", "normalize",
                                          "batch"]
    restored = kt.HyperParameters.from_config(json.loads(json.dumps(hp.get_config())))
    assert restored.values == hp.values
    assert [type(h).__name__ for h in restored.space] == ["Int", "Int", "Float", "Choice",
                                                          "Boolean", "Fixed"]


def test_sampling_respects_bounds_steps_and_log_scale():
    hp = kt.HyperParameters()
    hp.Int("units", 16, 256, step=16)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    rng = np.random.RandomState(0)
    samples = [hp.sample(rng).values for _ in range(400)]
    units = {s["units"] for s in samples}
    assert units <= set(range(16, 257, 16)) and len(units) > 10
    lrs = np.array([s["lr"] for s in samples])
    assert lrs.min() >= 1e-4 and lrs.max() <= 1e-1
    # log sampling: about a third of the draws per decade
    assert 0.2 < np.mean(lrs < 1e-3) < 0.45
    assert {round(s["dropout"], 6) for s in samples} <= {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}


def test_conditional_hyperparameters():
    hp = kt.HyperParameters()
    model_type = hp.Choice("model_type", ["mlp", "cnn"])
    with hp.conditional_scope("model_type", ["cnn"]):
        filters = hp.Int("filters", 8, 64)
    units = hp.Int("units", 8, 64, parent_name="model_type", parent_values=["mlp"])
    assert model_type == "mlp" and filters is None and units == 8
    assert not hp.is_active("filters") and hp.is_active("units")
    rng = np.random.RandomState(1)
    for _ in range(50):
        values = hp.sample(rng).values
        assert ("filters" in values) == (values["model_type"] == "cnn")
        assert ("units" in values) == (values["model_type"] == "mlp")
    with pytest.raises(ValueError, match="not a hyperparameter declared"):
        with hp.conditional_scope("missing", [1]):
            pass


@pytest.mark.parametrize("call, message", [
    (lambda hp: hp.Int("a", 5, 1), "greater than max_value"),
    (lambda hp: hp.Float("b", 0.0, 1.0, sampling="log"), "needs min_value > 0"),
    (lambda hp: hp.Float("c", 0.0, 1.0, sampling="cubic"), "`sampling` must be one of"),
    (lambda hp: hp.Choice("d", []), "non-empty"),
    (lambda hp: hp.Choice("e", [1, "x"]), "one type"),
])
def test_bad_hyperparameters_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(kt.HyperParameters())


def test_objective_directions():
    from ndflow.tuner.trial import to_objective
    assert to_objective("val_accuracy").direction == "max"
    assert to_objective("val_loss").direction == "min"
    assert to_objective("mae").direction == "min"
    assert to_objective(kt.Objective("custom", "min")).name == "custom"
    with pytest.raises(ValueError, match="direction"):
        kt.Objective("x", "up")


# --- synthetic tuners (no Keras) -------------------------------------------------------------
class QuadraticTuner(kt.RandomSearch):
    """Score = (x - 0.3)^2 + (log10(lr) + 3)^2 (+0.5 for the wrong choice): best near
    x=0.3, lr=1e-3, kind='b'."""

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        x = hp.Float("x", -1.0, 1.0)
        lr = hp.Float("lr", 1e-5, 1e-1, sampling="log")
        kind = hp.Choice("kind", ["a", "b"])
        return (x - 0.3) ** 2 + (np.log10(lr) + 3) ** 2 / 4 + (0.0 if kind == "b" else 0.5)


def _values(tuner):
    return [tuner.oracle.trials[t].hyperparameters.values for t in sorted(tuner.oracle.trials)]


def test_random_search_records_trials_on_disk(tmp_path):
    tuner = QuadraticTuner(max_trials=6, seed=3, directory=tmp_path, project_name="quad",
                           verbose=0)
    tuner.search()
    assert len(tuner.oracle.trials) == 6
    files = sorted(os.listdir(tmp_path / "quad"))
    assert "oracle.json" in files and sum(f.startswith("trial_") for f in files) == 6
    state = json.loads((tmp_path / "quad" / "trial_00" / "trial.json").read_text())
    assert state["status"] == "COMPLETED" and "default_objective" in state["metrics"]["metrics"]
    best = tuner.oracle.get_best_trials(2)
    assert best[0].score <= best[1].score
    assert best[0].metrics.get_last_value("default_objective") == best[0].score
    assert tuner.get_best_hyperparameters(1)[0].values == best[0].hyperparameters.values


def test_same_seed_same_trials_and_other_seed_differs(tmp_path):
    def run(seed, name):
        tuner = QuadraticTuner(max_trials=5, seed=seed, directory=tmp_path, project_name=name,
                               verbose=0)
        tuner.search()
        return _values(tuner)
    assert run(42, "a") == run(42, "b")
    assert run(42, "c") != run(7, "d")


def test_overwrite_false_resumes_and_true_restarts(tmp_path):
    first = QuadraticTuner(max_trials=3, seed=1, directory=tmp_path, project_name="p",
                           verbose=0)
    first.search()
    more = QuadraticTuner(max_trials=5, seed=1, directory=tmp_path, project_name="p",
                          verbose=0)
    assert len(more.oracle.trials) == 3
    more.search()
    assert len(more.oracle.trials) == 5
    assert _values(more)[:3] == _values(first)
    fresh = QuadraticTuner(max_trials=2, seed=1, directory=tmp_path, project_name="p",
                           overwrite=True, verbose=0)
    assert fresh.oracle.trials == {}


class FlakyTuner(kt.RandomSearch):
    def run_trial(self, trial, *args, **kwargs):
        x = trial.hyperparameters.Float("x", 0.0, 1.0)
        if trial.trial_id in self.failing:
            raise RuntimeError(f"boom in trial {trial.trial_id}")
        return x


def test_failed_trial_is_recorded_and_search_goes_on(tmp_path):
    tuner = FlakyTuner(max_trials=4, seed=0, directory=tmp_path, project_name="f", verbose=0)
    tuner.failing = {"01"}
    tuner.search()
    statuses = {t.trial_id: t.status for t in tuner.oracle.trials.values()}
    assert statuses == {"00": "COMPLETED", "01": "FAILED", "02": "COMPLETED",
                        "03": "COMPLETED"}
    assert "boom in trial 01" in tuner.oracle.trials["01"].message
    assert all(t.status == "COMPLETED" for t in tuner.oracle.get_best_trials(10))


def test_consecutive_failures_stop_the_search(tmp_path):
    tuner = FlakyTuner(max_trials=10, seed=0, directory=tmp_path, project_name="g", verbose=0,
                       max_consecutive_failed_trials=2)
    tuner.failing = {"01", "02"}
    with pytest.raises(RuntimeError, match="consecutive failures exceeded the limit of 2"):
        tuner.search()


def test_objective_that_matches_nothing_lists_the_metrics(tmp_path):
    class DictTuner(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            trial.hyperparameters.Float("x", 0.0, 1.0)
            return {"loss": 0.5, "accuracy": 0.8}
    tuner = DictTuner(objective="val_acc", max_trials=3, directory=tmp_path,
                      project_name="o", verbose=0)
    with pytest.raises(kt.ObjectiveNotFoundError, match=r"'val_acc'.*\['accuracy', 'loss'\]"):
        tuner.search()


def test_grid_search_enumerates_every_combination(tmp_path):
    class GridTuner(kt.GridSearch):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            return hp.Int("a", 1, 3) * 10 + (1 if hp.Choice("b", ["x", "y"]) == "y" else 0)
    tuner = GridTuner(objective=kt.Objective("score", "max"), hyperparameters=_grid_space(),
                      directory=tmp_path, project_name="grid", verbose=0)
    tuner.search()
    combos = sorted((v["a"], v["b"]) for v in _values(tuner))
    assert combos == [(a, b) for a in (1, 2, 3) for b in ("x", "y")]
    assert tuner.oracle.get_best_trials(1)[0].hyperparameters.values == {"a": 3, "b": "y"}


def _grid_space():
    hp = kt.HyperParameters()
    hp.Int("a", 1, 3)
    hp.Choice("b", ["x", "y"])
    return hp


def test_hyperband_brackets_follow_the_paper():
    oracle = kt.HyperbandOracle(objective="loss", max_epochs=9, factor=3)
    assert oracle.s_max == 2
    assert oracle.bracket_plan(2) == [(9, 1), (3, 3), (1, 9)]
    assert oracle.bracket_plan(1) == [(5, 3), (1, 9)]
    assert oracle.bracket_plan(0) == [(3, 9)]
    assert oracle.total_trials() == 22


class SyntheticHyperband(kt.Hyperband):
    """Loss after `epochs` epochs: a learning curve whose floor is lowest near x=0.7."""

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        x = hp.Float("x", 0.0, 1.0)
        epochs = hp.values.get("tuner/epochs", 1)
        self.epochs_used = getattr(self, "epochs_used", 0) + epochs - hp.values.get(
            "tuner/initial_epoch", 0)
        return {"loss": (x - 0.7) ** 2 + 1.0 / (1 + epochs)}


def test_hyperband_promotes_the_best_and_finds_the_region(tmp_path):
    tuner = SyntheticHyperband(objective="loss", max_epochs=9, factor=3, seed=5,
                               directory=tmp_path, project_name="hb", verbose=0)
    tuner.search()
    trials = tuner.oracle.trials.values()
    assert len(trials) == 22
    for t in trials:  # every promoted trial continues a completed one of the previous round
        parent = t.hyperparameters.values.get("tuner/trial_id")
        if parent is not None:
            p = tuner.oracle.trials[parent]
            assert p.hyperparameters.values["tuner/round"] == t.hyperparameters.values[
                "tuner/round"] - 1
            assert p.hyperparameters.values["x"] == t.hyperparameters.values["x"]
    best = tuner.get_best_hyperparameters(1)[0].values
    assert abs(best["x"] - 0.7) < 0.15 and best["tuner/epochs"] == 9


class SyntheticBayes(kt.BayesianOptimization):
    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        x = hp.Float("x", -2.0, 2.0)
        y = hp.Float("y", -2.0, 2.0)
        return (x - 1.2) ** 2 + (y + 0.8) ** 2


def test_bayesian_optimization_finds_the_region(tmp_path):
    tuner = SyntheticBayes(max_trials=15, num_initial_points=5, seed=2, directory=tmp_path,
                           project_name="bo", verbose=0)
    tuner.search()
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score < 0.1, best
    # after the random start the GP's proposals improve on the random ones
    scores = [tuner.oracle.trials[t].score for t in sorted(tuner.oracle.trials)]
    assert min(scores[5:]) < min(scores[:5])


def test_bayesian_optimization_expected_improvement(tmp_path):
    tuner = SyntheticBayes(max_trials=12, num_initial_points=4, acquisition="ei", seed=0,
                           directory=tmp_path, project_name="ei", verbose=0)
    tuner.search()
    assert tuner.oracle.get_best_trials(1)[0].score < 0.3


# --- Kill mid-search, then resume -----------------------------------------------------------
_RESUME_SCRIPT = textwrap.dedent("""
    import os, sys, time
    import ndflow.tuner as kt

    directory, overwrite, log = sys.argv[1], sys.argv[2] == "1", sys.argv[3]

    class SlowTuner(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            x = trial.hyperparameters.Float("x", 0.0, 1.0)
            with open(log, "a") as f:
                f.write(trial.trial_id + "\\n")
            time.sleep(0.4)
            return x

    tuner = SlowTuner(max_trials=6, seed=11, directory=directory, project_name="resume",
                      overwrite=overwrite, verbose=0)
    tuner.search()
""")


def _completed_ids(project):
    ids = []
    for entry in sorted(os.listdir(project)):
        path = os.path.join(project, entry, "trial.json")
        if os.path.exists(path) and json.load(open(path))["status"] == "COMPLETED":
            ids.append(entry[len("trial_"):])
    return ids


def test_killed_search_resumes_without_repeating_finished_trials(tmp_path):
    script = tmp_path / "search.py"
    script.write_text(_RESUME_SCRIPT)
    log1, log2 = tmp_path / "run1.log", tmp_path / "run2.log"
    project = tmp_path / "runs" / "resume"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "runs"), "1",
                             str(log1)], env=env)
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        if project.exists() and len(_completed_ids(project)) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished_before = _completed_ids(project)
    assert 2 <= len(finished_before) < 6
    subprocess.run([sys.executable, str(script), str(tmp_path / "runs"), "0", str(log2)],
                   env=env, check=True, timeout=120)
    rerun = log2.read_text().split()
    assert not set(rerun) & set(finished_before)          # nothing finished runs again
    assert sorted(finished_before + rerun) == [f"{i:02d}" for i in range(6)]  # nothing lost
    assert len(_completed_ids(project)) == 6
    # and the resumed search tried exactly the trials an uninterrupted one would have
    uninterrupted = tmp_path / "clean.log"
    subprocess.run([sys.executable, str(script), str(tmp_path / "clean"), "1",
                    str(uninterrupted)], env=env, check=True, timeout=120)
    def values(root):
        return [json.load(open(os.path.join(root, d, "trial.json")))["hyperparameters"]
                ["values"] for d in sorted(os.listdir(root)) if d.startswith("trial_")]
    assert values(project) == values(tmp_path / "clean" / "resume")


# --- parallel trials --------------------------------------------------------------------------
class ParallelQuadratic(kt.RandomSearch):
    def run_trial(self, trial, *args, **kwargs):
        x = trial.hyperparameters.Float("x", -1.0, 1.0)
        return {"loss": (x - args[0]) ** 2, "pid": float(os.getpid())}


def test_parallel_trials_run_in_worker_processes(tmp_path):
    tuner = ParallelQuadratic(objective="loss", max_trials=4, seed=0,
                              max_parallel_trials=2, directory=tmp_path, project_name="par",
                              verbose=0)
    tuner.search(0.25)
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 4 and all(t.status == TrialStatus.COMPLETED for t in trials)
    pids = {t.metrics.get_last_value("pid") for t in trials}
    assert os.getpid() not in pids and len(pids) >= 1
    sequential = ParallelQuadratic(objective="loss", max_trials=4, seed=0, directory=tmp_path,
                                   project_name="seq", verbose=0)
    sequential.search(0.25)
    assert _values(sequential) == _values(tuner)  # same seed, same trials, any executor


# --- Keras trials -----------------------------------------------------------------------------
def _mnist_like(n, seed):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 10, n)
    x = rng.rand(n, 28, 28).astype(np.float32) * 0.3
    for digit in range(10):  # each class lights up its own band of rows
        x[y == digit, 2 * digit:2 * digit + 3, :] += 0.7
    return x, y


def build_model(hp):
    """The book's build_model (seed 001), unchanged."""
    import ndflow as tf
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2,
                             sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten())
    for _ in range(n_hidden):
        model.add(tf.keras.layers.Dense(n_neurons, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def test_seed001_random_search_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    X_train, y_train = _mnist_like(300, 0)
    X_valid, y_valid = _mnist_like(100, 1)
    random_search_tuner = kt.RandomSearch(
        build_model, objective="val_accuracy", max_trials=5, overwrite=True,
        directory="my_fashion_mnist", project_name="my_rnd_search", seed=42)
    random_search_tuner.search(X_train, y_train, epochs=2,
                               validation_data=(X_valid, y_valid), verbose=0)
    capsys.readouterr()
    random_search_tuner.results_summary()
    summary = capsys.readouterr().out
    assert summary.count(" summary\nHyperparameters:") == 5
    assert 'Objective(name="val_accuracy", direction="max")' in summary
    top3_models = random_search_tuner.get_best_models(num_models=3)
    top3_params = random_search_tuner.get_best_hyperparameters(num_trials=3)
    assert set(top3_params[0].values) == {"n_hidden", "n_neurons", "learning_rate",
                                          "optimizer"}
    best_trial = random_search_tuner.oracle.get_best_trials(num_trials=1)[0]
    best_trial.summary()
    score = best_trial.metrics.get_last_value("val_accuracy")
    assert score == best_trial.score
    # the best model's checkpoint is its best epoch: evaluating it gives the trial's score
    _, accuracy = top3_models[0].evaluate(X_valid, y_valid, verbose=0)
    assert accuracy == pytest.approx(score, abs=1e-6)
    assert os.path.exists(os.path.join("my_fashion_mnist", "my_rnd_search",
                                       f"trial_{best_trial.trial_id}",
                                       "checkpoint.weights.h5"))


def test_keras_objective_typo_names_the_logged_metrics(tmp_path):
    X, y = _mnist_like(60, 0)
    tuner = kt.RandomSearch(build_model, objective="val_acuracy", max_trials=2,
                            directory=tmp_path, project_name="typo", verbose=0)
    with pytest.raises(kt.ObjectiveNotFoundError, match="val_accuracy"):
        tuner.search(X, y, epochs=1, validation_data=(X, y), verbose=0)


class NormalizingHyperModel(kt.HyperModel):
    """The book's MyClassificationHyperModel: tunes preprocessing inside fit."""

    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, X, y, **kwargs):
        if hp.Boolean("normalize"):
            X = (X - X.mean()) / (X.std() + 1e-7)
        return model.fit(X, y, **kwargs)


def test_hyperband_with_a_hypermodel_and_early_stopping(tmp_path):
    from ndflow import keras
    X_train, y_train = _mnist_like(200, 0)
    X_valid, y_valid = _mnist_like(80, 1)
    tuner = kt.Hyperband(NormalizingHyperModel(), objective="val_accuracy", seed=42,
                         max_epochs=3, factor=3, hyperband_iterations=1, overwrite=True,
                         directory=tmp_path, project_name="hyperband", verbose=0)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=2)
    tuner.search(X_train, y_train, epochs=10, validation_data=(X_valid, y_valid),
                 callbacks=[early_stopping_cb], verbose=0)
    trials = tuner.oracle.trials.values()
    assert len(trials) == tuner.oracle.total_trials() == 6  # brackets 3+1 and 2
    assert all(t.status == "COMPLETED" for t in trials)
    continued = [t for t in trials if "tuner/trial_id" in t.hyperparameters.values]
    assert continued and all(t.hyperparameters.values["tuner/initial_epoch"] == 1
                             for t in continued)
    assert "normalize" in tuner.oracle.hyperparameters


def test_cross_validated_objective_and_memory_is_freed(tmp_path):
    import gc
    from ndflow import keras
    X, y = _mnist_like(120, 3)

    def small_model(hp):
        model = keras.Sequential([keras.layers.Input(shape=(28, 28)),
                                  keras.layers.Flatten(),
                                  keras.layers.Dense(hp.Int("units", 4, 16, step=4),
                                                     activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                      metrics=["accuracy"])
        return model

    tuner = kt.RandomSearch(small_model, objective="val_accuracy", max_trials=3, seed=0,
                            cross_validation=3, directory=tmp_path, project_name="cv",
                            verbose=0)
    gc.collect()
    # type(o), not isinstance: isinstance reads o.__class__, which some lazy module objects
    # (torch's) answer with a deprecation warning
    before = sum(issubclass(type(o), keras.Model) for o in gc.get_objects())
    tuner.search(X, y, epochs=1, verbose=0)
    gc.collect()
    after = sum(issubclass(type(o), keras.Model) for o in gc.get_objects())
    assert after <= before  # no trial's model is kept alive
    assert all(t.status == "COMPLETED" for t in tuner.oracle.trials.values())


# --- stored state that cannot be trusted ------------------------------------------------------
def _searched_project(tmp_path):
    tuner = ParallelQuadratic(objective="loss", max_trials=2, seed=0, directory=tmp_path,
                              project_name="p", verbose=0)
    tuner.search(0.25)
    return tmp_path / "p"


@pytest.mark.parametrize("trial_id", ["/../../escaped", "../x", ".hidden", "a/b", "", 7])
def test_a_stored_trial_id_cannot_lead_outside_the_project(tmp_path, trial_id):
    project = _searched_project(tmp_path)
    path = project / "trial_01" / "trial.json"
    state = json.loads(path.read_text())
    state.pop("ndflow_sha256")
    state["trial_id"] = trial_id
    path.write_text(json.dumps(state))
    outside = sorted(os.listdir(tmp_path))
    with pytest.raises(kt_errors.DataLossError, match=r"trial_01.trial\.json"):
        ParallelQuadratic(objective="loss", max_trials=4, seed=0, directory=tmp_path,
                          project_name="p", verbose=0)
    assert sorted(os.listdir(tmp_path)) == outside


@pytest.mark.parametrize("content", [b"{", b"\xff\xfe", b"[1, 2]", b'{"seed": "x"}',
                                     b"[" * 200000 + b"]" * 200000])
def test_corrupt_oracle_json_names_the_file(tmp_path, content):
    project = _searched_project(tmp_path)
    (project / "oracle.json").write_bytes(content)
    with pytest.raises(kt_errors.DataLossError, match=r"oracle\.json"):
        ParallelQuadratic(objective="loss", max_trials=4, seed=0, directory=tmp_path,
                          project_name="p", verbose=0)


def test_edited_state_is_caught_by_its_checksum(tmp_path):
    project = _searched_project(tmp_path)
    path = project / "trial_00" / "trial.json"
    path.write_text(path.read_text().replace('"COMPLETED"', '"RUNNING"'))
    with pytest.raises(kt_errors.DataLossError, match="does not match the checksum"):
        ParallelQuadratic(objective="loss", max_trials=4, seed=0, directory=tmp_path,
                          project_name="p", verbose=0)
