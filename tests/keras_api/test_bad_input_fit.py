"""fit/evaluate/predict on empty data and out-of-range sparse labels fail as Keras on
TensorFlow fails, with errors that name what was wrong."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.framework.errors import InvalidArgumentError


def _classifier():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_empty_arrays_are_refused(method):
    model = _classifier()
    args = (np.zeros((0, 3), np.float32),)
    if method != "predict":
        args += (np.zeros((0,), np.int64),)
    with pytest.raises(ValueError, match=r"non-empty: `x` holds 0 samples \(shapes \[\(0, 3\)\]"):
        getattr(model, method)(*args, verbose=0)


@pytest.mark.parametrize("label", [4, 7, -1])
def test_a_label_outside_the_classes_is_refused_in_fit(label):
    model = _classifier()
    weights = [w.copy() for w in model.get_weights()]
    x = np.ones((3, 3), np.float32)
    with pytest.raises(InvalidArgumentError, match=f"label value of {label} which is outside "
                                                   r"the valid range of \[0, 4\)"):
        model.fit(x, np.array([1, label, 2]), verbose=0)
    for got, want in zip(model.get_weights(), weights):   # no step was taken
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("from_logits", [False, True])
def test_the_loss_function_refuses_it_eagerly_and_in_a_function(from_logits):
    y_pred = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    with pytest.raises(InvalidArgumentError, match="label value of 5"):
        loss(np.array([1, 5]), y_pred)
    with pytest.raises(InvalidArgumentError, match="label value of 5"):
        tf.function(lambda a, b: loss(a, b))(np.array([1, 5]), y_pred)


def test_valid_labels_give_keras_values():
    y_pred = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    got = keras.losses.sparse_categorical_crossentropy(np.array([1, 0]), y_pred).numpy()
    np.testing.assert_allclose(got, -np.log([0.8, 0.6]), rtol=1e-6)
    assert got.dtype == np.float32


def test_x_and_y_of_different_lengths_say_which_is_which():
    model = _classifier()
    with pytest.raises(ValueError, match="'x' sizes: 5; 'y' sizes: 4"):
        model.fit(np.zeros((5, 3), np.float32), np.zeros((4,), np.int64), verbose=0)


def test_an_input_shape_error_reports_the_batch_shape_passed():
    model = _classifier()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\), found shape=\(16, 4\)"):
        model.fit(np.zeros((100, 4), np.float32), np.zeros((100,), np.int64), batch_size=16,
                  verbose=0)
