"""Every program in examples/ runs, and prints what its seed printed.

The examples run in this process (runpy) with stdout captured; `NDFLOW_EXAMPLE_STEPS`
shortens the long training loops. The seed-specific claims (Must show 2 and 3) are checked
on the examples' own output, since the examples are the seeds' listings verbatim.
"""
import os
import re
import runpy
import subprocess
import sys

import numpy as np
import pytest

EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "examples")
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


@pytest.fixture
def run_example(monkeypatch, capsys):
    """run_example(name, steps=None, **env) -> (stdout, the program's globals)."""
    def run(name, steps=None, **env):
        monkeypatch.delenv("NDFLOW_EXAMPLE_MNIST", raising=False)
        if steps is None:  # the seed's own count, whatever the calling shell has set
            monkeypatch.delenv("NDFLOW_EXAMPLE_STEPS", raising=False)
        else:
            monkeypatch.setenv("NDFLOW_EXAMPLE_STEPS", str(steps))
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        namespace = runpy.run_path(os.path.join(EXAMPLES_DIR, name), run_name="__main__")
        return capsys.readouterr().out, namespace
    return run


def floats(text):
    """The numbers in printed text, ignoring NumPy 2's `np.float32(` wrappers and dtypes."""
    text = re.sub(r"np\.[a-z]+\d*\(|dtype=\w+", "", text)
    return [float(v) for v in re.findall(NUMBER, text)]


def prints_after(out, label):
    """The number printed after `label` (e.g. 'Prediction : ')."""
    match = re.search(re.escape(label) + r"\s*(" + NUMBER + ")", out)
    assert match, f"{label!r} not printed:\n{out[-2000:]}"
    return float(match.group(1))


def step_costs(out):
    """Costs from the '<step> <cost> ...' lines the XOR listings print every 100 steps."""
    return [float(c) for c in re.findall(r"^\d+ (" + NUMBER + r")\b", out, re.M)]


def records(out):
    """The '<i> [...]' records of the back-prop listings (a record may span lines)."""
    return re.split(r"^(?=\d+ \[)", out, flags=re.M)[1:]


# --- seed 000 --------------------------------------------------------------------------------

def test_9_1_single_layer_xor_stays_between_half_and_three_quarters(run_example):
    out, ns = run_example("seed000_9_1_xor.py")  # the full 10001 steps
    costs = step_costs(out)
    assert len(costs) == 101 and costs[-1] <= costs[0]
    assert 0.5 <= prints_after(out, "Prediction : ") <= 0.75
    assert ns["W"].shape.as_list() == [2, 1]


def test_9_2_two_layer_xor_reaches_accuracy_one(run_example):
    out, ns = run_example("seed000_9_2_xor_nn.py", steps=1001)
    costs = step_costs(out)
    assert costs[-1] < costs[0]
    assert prints_after(out, "Prediction : ") == 1.0
    # the listing's W1 [2, 1] + b1 [2] broadcasts to a [None, 2] hidden layer
    assert ns["layer1"].shape.as_list() == [None, 2]


def test_9_3_wide_deep_xor_reaches_accuracy_one(run_example):
    out, _ = run_example("seed000_9_3_xor_wide_deep.py", steps=2001)
    costs = step_costs(out)
    assert costs[-1] < 0.5 * costs[0]
    assert prints_after(out, "Prediction : ") == 1.0


def balanced(text):
    """The text up to the bracket that closes its first '['."""
    depth = 0
    for i, ch in enumerate(text):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "]" and depth == 0:
            return text[:i + 1]
    raise AssertionError(f"unbalanced record: {text[:200]!r}")


def rmse_per_step(out):
    """The RMSE each '<i> [[W, b], RMSE]' record ends with."""
    return [floats(balanced(record))[-1] for record in records(out)]


def test_9_5_linear_back_prop_cost_falls_to_zero(run_example):
    out, _ = run_example("seed000_9_5_linear_back_prop.py")
    rmse = rmse_per_step(out)
    assert len(rmse) == 1000
    assert rmse[-1] < 1e-6 < rmse[0]
    assert all(later <= earlier * 1.5 for earlier, later in zip(rmse, rmse[1:]))
    last = records(out)[-1]
    predictions = floats(last[len(balanced(last)):])  # print(sess.run(hypothesis, ...))
    np.testing.assert_allclose(predictions, [1, 2, 3], atol=1e-3)


def test_9_6_multi_linear_back_prop_cost_falls(run_example):
    out, ns = run_example("seed000_9_6_multi_linear_back_prop.py", steps=300)
    rmse = rmse_per_step(out)
    assert len(rmse) == 300
    assert rmse[-1] < 0.01 * rmse[0]
    assert ns["hypothesis"].shape.as_list() == ns["Y"].shape.as_list() == [None, 1]


def test_9_7_sigmoid_back_prop_cost_falls(run_example):
    out, _ = run_example("seed000_9_7_sigmoid_back_prop.py", steps=501)
    lines = re.findall(r"^\d+ \[(.*)\]$", out, re.M)
    losses = [floats(line)[-2] for line in lines]
    assert len(losses) == 6 and losses[-1] < 0.2 * losses[0]
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert prints_after(out, "Accuracy:") >= 0.95


def test_9_x_xor_nn_back_prop_cost_falls(run_example):
    out, ns = run_example("seed000_9_x_xor_nn_back_prop.py", steps=2001)
    costs = [float(c) for c in re.findall(r"^\d+ (" + NUMBER + r")$", out, re.M)]
    assert len(costs) == 3 and costs[2] < costs[1] < costs[0]
    # TensorFlow 2.21 prints these for the listing's 2001 steps (its own random numbers;
    # it reaches accuracy 1.0 by 10001 steps): cost 0.68495977 at step 2000, accuracy 0.75
    assert costs[2] == pytest.approx(0.68495977, rel=1e-4)
    assert prints_after(out, "Accuracy: ") == 0.75


def test_9_x_hand_written_gradients_equal_autodiff(run_example):
    """The listing's d_W1_mean ... are the gradients of its cost (up to the 1e-7 guard)."""
    import ndflow.compat.v1 as tf
    _, ns = run_example("seed000_9_x_xor_nn_back_prop.py", steps=1)
    auto = tf.gradients(ns["cost"], [ns["W1"], ns["b1"], ns["W2"], ns["b2"]])
    hand = [ns["d_W1_mean"], ns["d_b1_mean"], ns["d_W2_mean"], ns["d_b2_mean"]]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {ns["X"]: ns["x_data"], ns["Y"]: ns["y_data"]}
        for a, h in zip(sess.run(auto, feed), sess.run(hand, feed)):
            np.testing.assert_allclose(h, a, rtol=1e-4, atol=1e-6)


# --- seed 001 --------------------------------------------------------------------------------

def test_001_tf_basics(run_example):
    out, _ = run_example("seed001_tf_basics.py")
    lines = out.splitlines()
    assert lines[0] == "30"  # sess.run(tf.add(a, b)) with a = 10, b = 20
    assert floats(lines[1]) == [3, 4, 4.0]  # [a, b, c] with a = 3, b = 4, c = cast(b)
    assert "tf.as_dtype(2) = tf.float64" in lines
    assert any(line.startswith("tf.placeholder(2, tf.int32) raises TypeError") for line in lines)
    assert "20" in lines  # the placeholder fed {a: 10}, doubled
    assert "tf.Tensor([100 400], shape=(2,), dtype=int64)" in lines
    assert lines[-2:] == ["tf.Tensor([6. 7. 8.], shape=(3,), dtype=float32)"] * 2


# --- seed 002 --------------------------------------------------------------------------------

def test_002_mnist_softmax_training_loop_on_synthetic_data(run_example):
    out, ns = run_example("seed002_mnist_softmax.py", steps=4, NDFLOW_EXAMPLE_MNIST="synthetic")
    losses = [float(v) for v in re.findall(r"epoch:\s+\d+ loss: tf\.Tensor\((" + NUMBER + ")",
                                           out)]
    assert len(losses) == 4 and all(np.isfinite(losses))
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert prints_after(out, "Accuracy=") >= 0.85
    assert ns["x_train"].shape == (2000, 784) and ns["x_train"].dtype == np.float32
    assert ns["W"].dtype == "float32" and ns["W"].shape == (784, 10)


SHARED_MNIST = os.path.join(EXAMPLES_DIR, "..", "..", "shared", "data", "mnist")


@pytest.mark.skipif(not os.path.isdir(SHARED_MNIST) and not os.environ.get("NDFLOW_DATA_DIR"),
                    reason="no MNIST copy: ../shared/data/mnist absent, NDFLOW_DATA_DIR unset")
def test_002_reads_the_real_mnist_files(run_example):
    """Zero epochs: loads and reshapes real MNIST, then evaluates the untrained weights.
    (The 50-epoch run is too slow for the tests; see examples/seed002_mnist_softmax.py.)"""
    out, ns = run_example("seed002_mnist_softmax.py", steps=0)
    assert ns["x_train"].shape == (60000, 784) and ns["x_test"].shape == (10000, 784)
    assert ns["x_train"].dtype == np.float32 and 0 <= ns["x_train"].min() < ns["x_train"].max() <= 1
    assert ns["y_train_one_hot"].shape == (60000, 10)
    assert 0 <= prints_after(out, "Accuracy=") <= 1


# --- seed 003 --------------------------------------------------------------------------------

def test_003_logic_gate_loss_falls_and_derivatives_agree(run_example):
    out, ns = run_example("seed003_xor_logic_gate.py", steps=1001)
    initial = prints_after(out, "Initial loss value = ")
    step_lines = r"^step =\s+\d+ loss value =\s*(" + NUMBER + ")"
    losses = [float(v) for v in re.findall(step_lines, out, re.M)]
    assert len(losses) == 2 and losses[-1] < losses[0] < initial
    assert prints_after(out, "numerical_gradient| =") == 0.0
    assert prints_after(out, "GradientTape gradient| =") < 1e-6
    assert len(re.findall(r"^\[\d \d\]  [01]$", out, re.M)) == 4


# --- seed 004: Must show 2 -------------------------------------------------------------------

EPOCH_LINE = (r"Epoch:\s+(\d+) loss:\s+(" + NUMBER + r")\s+weight:\s+\[(" + NUMBER
              + r")\]\s+bias:\s+\[(" + NUMBER + r")\]")


def test_004_linear_regression_verbatim(run_example):
    out, ns = run_example("seed004_linear_regression.py")  # 100 epochs, then 1000 in sess2
    epochs = [(int(s), float(c), float(w), float(b)) for s, c, w, b in re.findall(EPOCH_LINE, out)]
    assert len(epochs) == 1100
    first, second = epochs[:100], epochs[100:]
    assert first[0][1:] == (41.0, 4.5, 2.2)
    assert second[0][1:] == (41.0, 4.5, 2.2)  # the second session starts again
    assert first[1][1:] == (18.415, 2.1499999, 1.4100001)  # the seed's epoch 1
    assert second[-1][0] == 999
    assert abs(second[-1][2] - 3.000001) <= 1e-5 and abs(second[-1][3] - 1.9999975) <= 1e-5
    # the seed's own 100-epoch values, to the digits it printed
    assert abs(first[-1][2] - 3.0046647) < 1e-5 and abs(first[-1][3] - 1.9862854) < 1e-5
    predictions = [floats(m)[0] for m in re.findall(r"^\[(" + NUMBER + r")\]$", out, re.M)]
    assert len(predictions) == 4
    np.testing.assert_allclose(predictions[:2], [17.00961, 20.014275], atol=1e-4)
    np.testing.assert_allclose(predictions[2:], [17, 20], atol=1e-4)
    assert "<class" in out.splitlines()[0]  # type(x)
    common = set(eval(out.splitlines()[1]))  # set(dir(W)) & set(dir(x)), public names
    assert {"device", "dtype", "eval", "get_shape", "graph", "name", "op", "shape"} <= common
    only_variable = set(eval(out.splitlines()[2]))
    assert {"assign", "assign_add", "assign_sub", "initial_value", "initialized_value",
            "initializer", "load", "read_value", "trainable", "value"} <= only_variable
    assert {"consumers", "value_index"} <= set(eval(out.splitlines()[3]))


# --- seed 001's Keras listings -----------------------------------------------------------------

def test_001_keras_sequential(run_example):
    out, _ = run_example("seed001_keras_sequential.py")
    assert "Total params: 266,610" in out  # 784*300+300 + 300*100+100 + 100*10+10
    assert prints_after(out, "final val_accuracy:") >= 0.9


def test_001_keras_functional_with_normalization(run_example):
    out, _ = run_example("seed001_keras_functional.py")
    losses = [float(v) for v in re.findall(r" - loss: (" + NUMBER + ")", out)]
    assert losses and losses[-1] < losses[0]


def test_001_keras_wide_and_deep_two_outputs(run_example):
    out, _ = run_example("seed001_keras_wide_deep.py")
    assert "Total params: 1,231" in out   # Keras 3: Normalization keeps an int `count`


def test_001_keras_checkpoint_and_early_stopping(run_example):
    out, _ = run_example("seed001_keras_callbacks.py")
    match = re.search(r"stopped after (\d+) epochs; best val_loss (" + NUMBER + "); "
                      r"checkpoint: True", out)
    assert match and int(match.group(1)) < 100


def test_001_keras_tuner_random_search(run_example, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the seed writes my_fashion_mnist/ where it runs
    monkeypatch.delenv("NDFLOW_DATA_DIR", raising=False)  # the embedded MNIST subset
    out, _ = run_example("seed001_keras_tuner.py", NDFLOW_EXAMPLE_EPOCHS="1",
                         NDFLOW_EXAMPLE_SAMPLES="1000")
    assert prints_after(out, "best val_accuracy:") > 0.5
    trials = os.listdir(tmp_path / "my_fashion_mnist" / "my_rnd_search")
    assert len([t for t in trials if t.startswith("trial_")]) == 5


def test_001_sklearn_listings(run_example, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    out, _ = run_example("seed001_sklearn.py")
    assert "Perceptron: [ True False]" in out
    assert float(re.search(r"GridSearchCV: .* (" + NUMBER + ")$", out, re.M).group(1)) > 0.8


# --- the main job (README's first command) ----------------------------------------------------

def test_demo_trains_xor_and_linear_regression(capsys, monkeypatch):
    from ndflow import demo
    monkeypatch.setenv("NDFLOW_DEMO_DATA", "embedded")  # the full-MNIST run is the README's
    assert demo.main([]) == 0
    out = capsys.readouterr().out
    assert "accuracy 1.0" in out and "OK in" in out
    assert "\r" in out or "141/141 [" in out   # Keras progress bars while it trains
    assert re.search(r"fitted W 3\.0000\d\d, b 1\.99999\d|fitted W 3\.0000\d\d, b 2\.0000", out)


def test_rnn_sentiment_example_learns_word_order(run_example, monkeypatch):
    monkeypatch.setenv("NDFLOW_EXAMPLE_EPOCHS", "3")   # the full 15 epochs reach 0.948
    out, ns = run_example("rnn_sentiment.py")
    accuracy = prints_after(out, "test accuracy")
    assert accuracy > 0.6, out[-800:]


def test_char_rnn_example_trains_and_samples(run_example, monkeypatch):
    monkeypatch.setenv("NDFLOW_EXAMPLE_EPOCHS", "2")
    monkeypatch.setenv("NDFLOW_EXAMPLE_CHARS", "14000")   # 2 batches of 64 windows an epoch
    out, ns = run_example("char_rnn_shakespeare.py")
    losses = [float(v) for v in re.findall(r"loss (" + NUMBER + r") -> (" + NUMBER + ")",
                                           out)[0]]
    assert losses[1] < losses[0], out[-800:]
    sample = out.split("Sample:\n", 1)[1]
    assert sample.startswith("ROMEO:\n") and len(sample.splitlines()[0]) > 0


def test_demo_help_prints_usage_without_training():
    out = subprocess.run([sys.executable, "-m", "ndflow.demo", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and "usage: python -m ndflow.demo" in out.stdout
    assert "--data {auto,embedded}" in out.stdout and "Epoch" not in out.stdout


def test_demo_finds_shared_data_beside_the_repository_not_the_cwd():
    from ndflow import demo
    repository = os.path.dirname(os.path.dirname(os.path.abspath(demo.__file__)))
    assert demo._shared_mnist_dir() == os.path.join(os.path.dirname(repository), "shared",
                                                    "data", "mnist")


# --- the vision examples (issue 13): CI-sized runs, the full figures are in their docstrings ----

TINY = dict(NDFLOW_EXAMPLE_SAMPLES="128", NDFLOW_EXAMPLE_TEST_SAMPLES="128",
            NDFLOW_EXAMPLE_EPOCHS="1")


@pytest.mark.parametrize("name,params", [("lenet5_mnist.py", 61706),
                                         ("alexnet_mnist.py", 380042),
                                         ("googlenet_mnist.py", 82570),
                                         ("resnet_small_mnist.py", 176090)])
def test_cnn_mnist_examples_train(run_example, name, params):
    out, ns = run_example(name, **TINY)
    match = re.search(r": (\d+) parameters, 1 epochs on 128 .*test accuracy (" + NUMBER + ")",
                      out)
    assert match, out
    assert int(match.group(1)) == params and 0 <= float(match.group(2)) <= 1


def test_lenet5_is_lecuns_layout(run_example):
    _, ns = run_example("lenet5_mnist.py", **TINY)
    model = ns["build_lenet5"]()
    shapes = [layer.output.shape[1:] for layer in model.layers]
    assert shapes[:5] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (1, 1, 120)]
    assert model.layers[-2].units == 84 and model.output_shape == (None, 10)


def test_transfer_learning_freezes_the_base(run_example):
    out, ns = run_example("transfer_learning.py", NDFLOW_EXAMPLE_SAMPLES="32")
    for label in ("source task (pretraining)", "target task, frozen base + new head",
                  "target task, fine-tuned (lr 1e-4)"):
        assert 0 <= prints_after(out, label + ": accuracy") <= 1


def test_fcn_segmentation(run_example):
    out, ns = run_example("fcn_segmentation.py", NDFLOW_EXAMPLE_SAMPLES="16",
                          NDFLOW_EXAMPLE_EPOCHS="1")
    assert 0 <= prints_after(out, "mean IoU") <= 1
    labels = np.array([[0, 1], [2, 2]])
    assert ns["mean_iou"](labels, labels)[0] == 1.0
    assert ns["mean_iou"](labels, np.array([[0, 1], [2, 0]]))[0] == pytest.approx(
        (1 / 2 + 1 + 1 / 2) / 3)
    assert ns["build_fcn8s"]().output_shape == (None, 64, 64, 4)


def test_detection_single_stage(run_example):
    out, ns = run_example("detection_single_stage.py", NDFLOW_EXAMPLE_SAMPLES="32",
                          NDFLOW_EXAMPLE_EPOCHS="1")
    assert 0 <= prints_after(out, "mAP@0.5") <= 1
    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 50, (30, 2))
    boxes = np.concatenate([corners, corners + rng.uniform(5, 20, (30, 2))], 1)
    boxes = boxes.astype(np.float32)
    scores = rng.uniform(0, 1, 30).astype(np.float32)
    np.testing.assert_array_equal(ns["nms_numpy"](boxes, scores, 10, 0.45),
                                  ns["non_max_suppression"](boxes, scores, 10, 0.45))
    truths = [[(0, boxes[0]), (1, boxes[1])]]
    perfect = [[(0, 0.9, boxes[0]), (1, 0.8, boxes[1])]]
    assert ns["average_precision"](perfect, truths, 0) == 1.0
    assert ns["average_precision"]([[(0, 0.9, boxes[0] + 40)]], truths, 0) == 0.0


def test_deepsort_tracking(run_example):
    pytest.importorskip("scipy")
    out, ns = run_example("deepsort_tracking.py", NDFLOW_EXAMPLE_SAMPLES="128",
                          NDFLOW_EXAMPLE_FRAMES="30")
    for label in ("SORT", "SORT max_age=30", "DeepSORT"):
        assert re.search(rf"  {label}: \d+ ID switches \(.*\), \d+ misses, \d+ false positives, "
                         r"MOTA -?[\d.]+, \d+ track IDs", out), out
    box = np.array([[0, 0, 10, 10.0]])
    truth = [box, box, box]
    assert ns["id_switches"](truth, [[(1, box[0])], [(1, box[0])], [(2, box[0])]]) == 1
    assert ns["id_switches"](truth, [[(1, box[0])]] * 3) == 0
    far = box[0] + 50
    counts = ns["clear_mot"]([[(0, box[0])]] * 4, [[(1, box[0])], [], [(1, far)], [(1, box[0])]])
    assert (counts["misses"], counts["false_positives"], counts["id_switches"]) == (2, 1, 0)
    assert counts["mota"] == pytest.approx(1 - 3 / 4)

    # the scene defeats IoU matching, not appearance: with exact boxes of the objects at
    # least half visible and a perfect appearance feature (one-hot of the object),
    # DeepSORT's association keeps every identity and SORT's does not
    video, truth = ns["make_video"](ns["FRAMES"])
    detections, features = [], []
    for boxes in truth:
        seen = [(i, b) for i, b, visible in boxes if visible >= 0.5]
        detections.append(np.array([b for _, b in seen]).reshape(-1, 4))
        features.append(np.eye(len(ns["SCRIPT"]))[[i for i, _ in seen]])
    truth_ids = [[(i, b) for i, b, _ in boxes] for boxes in truth]
    deep = ns["track_video"](detections, features, ns["associate_deepsort"], 30)
    sort = ns["track_video"](detections, [None] * len(truth), ns["associate_sort"], 30)
    assert ns["clear_mot"](truth_ids, deep)["id_switches"] == 0
    assert ns["clear_mot"](truth_ids, deep)["ids"] == len(ns["SCRIPT"])
    assert ns["clear_mot"](truth_ids, sort)["id_switches"] >= 2


# --- every seed example is tested -----------------------------------------------------------------

TESTED = {
    "seed000_9_1_xor.py", "seed000_9_2_xor_nn.py", "seed000_9_3_xor_wide_deep.py",
    "seed000_9_5_linear_back_prop.py", "seed000_9_6_multi_linear_back_prop.py",
    "seed000_9_7_sigmoid_back_prop.py", "seed000_9_x_xor_nn_back_prop.py",
    "seed001_tf_basics.py", "seed002_mnist_softmax.py", "seed003_xor_logic_gate.py",
    "seed004_linear_regression.py", "seed001_keras_sequential.py",
    "seed001_keras_functional.py", "seed001_keras_wide_deep.py", "seed001_keras_callbacks.py",
    "seed001_keras_tuner.py", "seed001_sklearn.py",
}


def test_text_classification_raw_strings_save_and_reload(run_example):
    """Must-show (issue 12): raw strings -> TextVectorization -> ... -> Dense, reloaded
    from `.keras` with identical predictions."""
    out, ns = run_example("text_classification.py")
    assert prints_after(out, "held-out accuracy: ") >= 0.95
    assert "reloaded predictions equal: True" in out


def test_every_seed_example_has_a_test():
    """The seed listings' programs (other examples are tested beside their features)."""
    present = {f for f in os.listdir(EXAMPLES_DIR) if f.startswith("seed") and f.endswith(".py")}
    assert present - TESTED == set(), "seed examples without a test in tests/test_examples.py"
    assert TESTED - present == set(), "tests for examples that are gone"


def test_readme_lists_every_example():
    readme = open(os.path.join(EXAMPLES_DIR, "..", "README.md")).read()
    programs = sorted(f for f in os.listdir(EXAMPLES_DIR)
                      if f.endswith(".py") and not f.startswith(("_", "seed")))
    missing = [f for f in programs if f not in readme]
    assert not missing, f"examples missing from README.md's Examples section: {missing}"
