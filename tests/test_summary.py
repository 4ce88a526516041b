"""ndflow.summary (TF2) and compat.v1.summary (TF1): real event files, read back with
tensorboard's own EventAccumulator."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

pytest.importorskip("tensorboard", reason="tensorboard is not installed "
                    "(pip install ndflow[tensorboard])")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402


def read(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={
        event_accumulator.TENSORS: 0, event_accumulator.SCALARS: 0,
        event_accumulator.HISTOGRAMS: 0, event_accumulator.IMAGES: 0})
    acc.Reload()
    return acc


def test_tf2_eager_scalar_histogram_image_text(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    values = np.random.default_rng(0).normal(size=500).astype(np.float32)
    with writer.as_default(step=7):
        assert tf.summary.scalar("loss", tf.constant(0.25))
        tf.summary.scalar("loss", 0.125, step=8)
        tf.summary.histogram("weights", tf.constant(values))
        tf.summary.image("pictures", np.random.rand(2, 6, 5, 3).astype(np.float32), max_outputs=2)
        tf.summary.text("note", "hello")
    writer.close()
    acc = read(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("loss")] == [(7, 0.25), (8, 0.125)]
    histo = acc.Histograms("weights")[0].histogram_value
    assert histo.num == 500
    assert histo.min == pytest.approx(values.min()) and histo.max == pytest.approx(values.max())
    assert sum(histo.bucket) == 500
    assert histo.sum == pytest.approx(float(values.astype(np.float64).sum()), rel=1e-5)
    images = acc.Images("pictures")
    assert (images[0].width, images[0].height) == (5, 6)
    assert images[0].encoded_image_string.startswith(b"\x89PNG")
    assert "pictures/1" in acc.Tags()["images"]
    text = acc.Tensors("note")[0].tensor_proto
    assert text.string_val == [b"hello"]


def test_without_default_writer_nothing_is_recorded():
    assert tf.summary.scalar("loss", 1.0, step=0) is False


def test_missing_step_is_a_clear_error(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match="no step set"):
            tf.summary.scalar("loss", 1.0)
    writer.close()


def test_summaries_inside_function_record_at_every_call(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def train_step(x):
        total = tf.reduce_sum(x)
        tf.summary.scalar("total", total, step=step)
        tf.summary.histogram("x", x, step=step)
        step.assign_add(1)
        return total

    with writer.as_default():
        for i in range(3):
            train_step(tf.constant([1.0, float(i)]))
    writer.close()
    assert train_step.experimental_get_tracing_count() == 1
    acc = read(tmp_path)
    assert [(e.step, e.value) for e in acc.Scalars("total")] == [(0, 1.0), (1, 2.0), (2, 3.0)]
    assert [e.step for e in acc.Histograms("x")] == [0, 1, 2]


def test_summary_graph_of_a_function(tmp_path):
    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        return tf.nn.relu(tf.matmul(x, tf.ones([3, 2])))

    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert tf.summary.graph(f)
    writer.close()
    nodes = {n.name: n for n in read(tmp_path).Graph().node}
    matmul = [n for n in nodes.values() if n.op == "MatMul"][0]
    assert len(matmul.input) == 2
    relu = [n for n in nodes.values() if n.op == "Relu"][0]
    assert relu.input == [matmul.name]
    dims = [d.size for d in relu.attr["_output_shapes"].list.shape[0].dim]
    assert dims == [-1, 2]


def test_tf1_merge_all_and_file_writer(tmp_path):
    x = v1.placeholder(v1.float32, [None])
    W = v1.Variable([1.0], name="W")
    cost = v1.reduce_mean(v1.square(W * x - 3.0))
    with v1.name_scope("train"):
        v1.summary.scalar("cost", cost)
    v1.summary.histogram("W", W)
    v1.summary.image("input", v1.reshape(x, [1, 2, 2, 1]))
    merged = v1.summary.merge_all()
    assert merged.dtype == tf.string
    train = v1.train.GradientDescentOptimizer(0.05).minimize(cost)
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        writer = v1.summary.FileWriter(str(tmp_path), sess.graph)
        costs = []
        for step in range(3):
            blob, cost_value, _ = sess.run([merged, cost, train], {x: [1.0, 2.0, 3.0, 4.0]})
            assert isinstance(blob, bytes)
            writer.add_summary(blob, step)
            costs.append(cost_value)
        writer.close()
    acc = read(tmp_path)
    assert [e.value for e in acc.Scalars("train/cost")] == pytest.approx(costs)
    assert len(acc.Histograms("W")) == 3
    assert acc.Tags()["images"] == ["input/image"]
    ops = {n.op for n in acc.Graph().node}
    assert {"Placeholder", "Mul", "Mean", "VarHandleOp", "SummaryV1"} <= ops


def test_tf1_merge_all_without_summaries_is_none():
    v1.placeholder(v1.float32)
    assert v1.summary.merge_all() is None


def test_tf1_scalar_of_a_vector_fails_clearly(tmp_path):
    s = v1.summary.scalar("bad", v1.constant([1.0, 2.0]))
    with v1.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="expected a scalar"):
            sess.run(s)
