"""ConvLSTM2D: Keras 3's arguments and weight layout, values equal to Keras 3 (jax backend)
for the same weights, `.keras` files both ways; shapes, graph mode, masks and dropout."""
import numpy as np
import pytest

import ndflow
from ndflow import keras
from ndflow.util import nest

from .keras_reference import reference_keras, to_numpy

RNG = np.random.default_rng(11)
X = RNG.normal(size=(2, 3, 7, 6, 2)).astype("float32")
L = keras.layers


def _random_weights(layer, seed):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-0.5, 0.5, w.shape.as_list()).astype("float32")
                       for w in layer.weights])


CASES = [
    dict(filters=4, kernel_size=3, padding="same"),
    dict(filters=3, kernel_size=(3, 2), strides=2, return_sequences=True),
    dict(filters=2, kernel_size=2, dilation_rate=2, return_state=True, go_backwards=True),
    dict(filters=3, kernel_size=3, padding="same", return_sequences=True,
         unit_forget_bias=False, activation="relu", use_bias=False),
]


@pytest.mark.parametrize("kwargs", CASES)
def test_values_match_keras(kwargs):
    rk = reference_keras()
    ours, theirs = L.ConvLSTM2D(**kwargs), rk.layers.ConvLSTM2D(**kwargs)
    ours(X)
    theirs(X)
    assert [w.shape.as_list() for w in ours.weights] == [list(w.shape) for w in theirs.weights]
    assert [w.name.split("/")[-1].split(":")[0] for w in ours.weights] == \
        [w.name for w in theirs.weights]
    _random_weights(ours, 1)
    theirs.set_weights([w.numpy() for w in ours.weights])
    got = [t.numpy() for t in nest.flatten(ours(X))]
    want = [to_numpy(t) for t in nest.flatten(theirs(X))]
    traced = [t.numpy() for t in nest.flatten(ndflow.function(lambda x: ours(x))(X))]
    assert len(got) == len(want)
    for a, b, c in zip(got, want, traced):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=1e-5)
        np.testing.assert_allclose(c, b, atol=1e-5)
    assert ours.compute_output_shape(X.shape) == theirs.compute_output_shape(X.shape)


def test_channels_first_matches_channels_last():
    last = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True, return_state=True)
    first = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True, return_state=True,
                         data_format="channels_first")
    last(X)
    xf = np.transpose(X, (0, 1, 4, 2, 3))
    first(xf)
    first.set_weights(last.get_weights())
    seq_l, h_l, c_l = last(X)
    seq_f, h_f, c_f = first(xf)
    np.testing.assert_allclose(np.transpose(seq_f.numpy(), (0, 1, 3, 4, 2)), seq_l.numpy(),
                               atol=1e-6)
    np.testing.assert_allclose(np.transpose(h_f.numpy(), (0, 2, 3, 1)), h_l.numpy(), atol=1e-6)


def _model(k):
    k.utils.set_random_seed(5)
    return k.Sequential([k.Input((3, 7, 6, 2)),
                         k.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
                         k.layers.ConvLSTM2D(2, 2, strides=2),
                         k.layers.Flatten(), k.layers.Dense(2)])


def test_keras_files_both_ways(tmp_path):
    rk = reference_keras()
    theirs = _model(rk)
    path = str(tmp_path / "k.keras")
    theirs.save(path)
    ours = keras.models.load_model(path)
    np.testing.assert_allclose(ours.predict(X, verbose=0), to_numpy(theirs(X)), atol=1e-5)
    ours = _model(keras)
    _random_weights(ours.layers[0], 2)
    path = str(tmp_path / "n.keras")
    ours.save(path)
    back = rk.models.load_model(path)
    np.testing.assert_allclose(to_numpy(back(X)), ours.predict(X, verbose=0), atol=1e-5)


def test_mask_dropout_fit_and_bad_input():
    layer = L.ConvLSTM2D(2, 3, padding="same", dropout=0.3, recurrent_dropout=0.3, seed=1)
    mask = ndflow.constant([[True, True, False], [True, False, False]])
    out = layer(X, mask=mask)
    # a masked step keeps the previous state: masking the last step equals a shorter input
    np.testing.assert_allclose(layer(X, mask=mask).numpy()[1], layer(X[:, :1]).numpy()[1],
                               atol=1e-6)
    assert out.shape == (2, 7, 6, 2)
    assert not np.allclose(layer(X, training=True).numpy(), layer(X).numpy())
    model = keras.Sequential([L.Input((3, 7, 6, 2)), L.ConvLSTM2D(2, 3), L.Flatten(),
                              L.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(X, np.ones((2, 1), "float32"), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="ndim|rank|dimension"):
        L.ConvLSTM2D(2, 3)(X[:, 0])
    with pytest.raises(ValueError, match="padding"):
        L.ConvLSTM2D(2, 3, padding="causal")
