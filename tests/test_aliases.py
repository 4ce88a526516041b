"""TF 2 top-level aliases, tf.__version__, tf.IndexedSlices, Variable slice assignment,
tf.summary.audio and input_signature errors (issue 17)."""
import numpy as np
import pytest

import ndflow as tf


def test_version_states_the_tf_api_level_with_ndflow_as_local_label():
    from packaging import version
    import ndflow.compat.v1 as tf1
    from ndflow import keras
    assert version.parse(tf.__version__) >= version.parse("2.8.0")
    assert tf.__version__.startswith("2.")
    parsed = version.parse(tf.__version__)
    assert parsed.local.startswith("ndflow")
    assert tf.version.VERSION == tf.version.__version__ == "0.1.0"   # ndflow's own release
    assert tf.__version__.endswith(tf.version.VERSION)
    assert tf1.__version__ == tf.__version__
    assert version.parse(keras.__version__).major == 3
    with open(__file__.rsplit("/tests/", 1)[0] + "/pyproject.toml") as f:
        assert f'version = "{tf.version.VERSION}"' in f.read()


def test_keras_aliases_at_the_top_level():
    from ndflow import keras
    assert tf.optimizers.Adam is keras.optimizers.Adam
    assert tf.losses.MeanSquaredError is keras.losses.MeanSquaredError
    assert tf.metrics.Mean is keras.metrics.Mean
    assert tf.activations.relu is keras.activations.relu
    assert tf.initializers.GlorotUniform is keras.initializers.GlorotUniform
    assert tf.initializers.zeros_initializer is not None            # the TF1 names stay
    loss = tf.losses.MeanSquaredError()([[1.0]], [[3.0]])
    assert float(loss) == 4.0
    assert tf.compat.v1.placeholder is not None and tf.compat.v2.constant is tf.constant
    assert tf.newaxis is None
    assert tf.constant([1, 2])[:, tf.newaxis].shape == (2, 1)


def test_indexed_slices_densify_everywhere():
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([0, 0]), [3, 2])
    assert s.values.shape == (2, 2) and s.indices.dtype == tf.int32
    assert s.shape == (3, 2) and s.dtype == tf.float32
    np.testing.assert_array_equal(tf.convert_to_tensor(s).numpy(), [[4, 6], [0, 0], [0, 0]])
    np.testing.assert_array_equal((s * 2.0).numpy(), [[8, 12], [0, 0], [0, 0]])

    @tf.function
    def dense(values):
        return tf.convert_to_tensor(tf.IndexedSlices(values, [2], [3, 2]))
    np.testing.assert_array_equal(dense(tf.ones((1, 2))).numpy(), [[0, 0], [0, 0], [1, 1]])
    with pytest.raises(ValueError, match="dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.ones((1, 2)), [0]))


def test_gather_gradients_are_dense_tensors():
    emb = tf.Variable(np.ones((5, 2), np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(emb, [1, 3, 1]))
    g = tape.gradient(y, emb)
    assert not isinstance(g, tf.IndexedSlices)
    np.testing.assert_array_equal(g.numpy()[:, 0], [0, 2, 0, 1, 0])


def test_variable_slice_assign_eager_and_in_function():
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v[0, 1].assign(9.0)
    v[:, 2].assign([7.0, 8.0])
    np.testing.assert_array_equal(v.numpy(), [[1, 9, 7], [4, 5, 8]])

    @tf.function
    def f(i):
        v[i, :2].assign([0.0, 0.0])
        return v[1].assign(v[1] + 1.0)
    f(tf.constant(0))
    np.testing.assert_array_equal(v.numpy(), [[0, 0, 7], [5, 6, 9]])
    with pytest.raises(AttributeError, match="assign"):
        tf.constant([1.0]).assign(2.0)
    assert not hasattr(tf.constant([1.0]), "assign")
    with pytest.raises(tf.errors.InvalidArgumentError):
        v[5, 0].assign(1.0)
    np.testing.assert_array_equal(v.numpy(), [[0, 0, 7], [5, 6, 9]])


def test_variable_scatter_nd_update():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    v.scatter_nd_update([[4], [3], [1], [7]], [9.0, 10.0, 11.0, 12.0])
    np.testing.assert_array_equal(v.numpy(), [1, 11, 3, 10, 9, 6, 7, 12])
    m = tf.Variable(np.zeros((2, 3), np.float32))
    m.scatter_nd_update([[1]], [[1.0, 2.0, 3.0]])
    m.scatter_nd_update([[0, 2]], [5.0])
    np.testing.assert_array_equal(m.numpy(), [[0, 0, 5], [1, 2, 3]])


def test_summary_audio_writes_wav_clips(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import event_accumulator
    writer = tf.summary.create_file_writer(str(tmp_path))
    clip = np.sin(np.linspace(0, 200, 1600)).reshape(1, 1600, 1).astype(np.float32)
    with writer.as_default():
        assert tf.summary.audio("tone", clip, 8000, step=3)
    writer.flush()
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"audio": 0})
    acc.Reload()
    event, = acc.Audio("tone")
    assert (event.step, event.sample_rate, event.length_frames) == (3, 8000.0, 1600)
    assert event.encoded_audio_string[:4] == b"RIFF" and event.content_type == "audio/wav"


def test_input_signature_mismatch_is_a_type_error():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def double(x):
        return x * 2
    assert double(tf.constant([1.0])).numpy()[0] == 2.0
    with pytest.raises(TypeError, match="input_signature"):
        double(tf.constant([[1.0]]))
    with pytest.raises(TypeError, match="input_signature"):
        double(tf.constant([1], tf.int32))


def test_optimizer_schedules_module_exposes_only_schedules():
    from ndflow.keras.optimizers import schedules
    public = {n for n in dir(schedules) if not n.startswith("_")}
    assert public <= {"CosineDecay", "CosineDecayRestarts", "ExponentialDecay",
                      "InverseTimeDecay", "LearningRateSchedule", "PiecewiseConstantDecay",
                      "PolynomialDecay", "serialize", "deserialize"}
    assert float(schedules.ExponentialDecay(0.1, 10, 0.5)(20)) == pytest.approx(0.025)
