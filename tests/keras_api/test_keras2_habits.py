"""Keras 2 / Keras book habits ndflow.keras accepts (issue 17): inputs Keras accepts,
Keras 1/2 spellings, module paths, K backend functions, scikit-learn wrappers."""
import warnings

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras


def _linear(input_dim=1, units=1, **compile_kwargs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((input_dim,)), keras.layers.Dense(units)])
    model.compile(**{"optimizer": "sgd", "loss": "mse", **compile_kwargs})
    return model


def test_one_d_and_integer_inputs_are_expanded_and_cast():
    model = _linear()
    x = np.arange(4)                                  # 1-D int64 for an (None, 1) input
    model.fit(x, 2 * x, epochs=2, verbose=0)
    out = model.predict(x, verbose=0)
    assert out.shape == (4, 1) and out.dtype == np.float32
    np.testing.assert_allclose(model(np.arange(4.0).reshape(4, 1)).numpy(), out, rtol=1e-6)
    assert np.isfinite(model.evaluate(list(x), list(2 * x), verbose=0))
    assert model.train_on_batch(x.astype(np.uint8), 2 * x) >= 0
    assert model.test_on_batch([True, False], [1, 0]) >= 0
    assert model.predict_on_batch([1, 2]).shape == (2, 1)


def test_pandas_and_dict_inputs():
    pd = pytest.importorskip("pandas")
    model = _linear(input_dim=2)
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [0.5, 1.0, 1.5, 2.0]})
    target = pd.Series([1.0, 2.0, 3.0, 4.0])
    history = model.fit(df, target, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert model.predict(df, verbose=0).shape == (4, 1)
    assert np.isfinite(model.evaluate(df, target, verbose=0))
    a, b = keras.Input((2,), name="a"), keras.Input((1,), name="b")
    two = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.concatenate([a, b])))
    two.compile("sgd", "mse")
    x = {"a": np.ones((4, 2), np.int32), "b": np.ones((4,))}
    two.fit(x, np.ones(4), verbose=0)
    assert two.predict(x, verbose=0).shape == (4, 1)
    assert two.predict_on_batch(x).shape == (4, 1)


def test_keras2_spellings():
    with pytest.warns(DeprecationWarning, match="lr"):
        opt = keras.optimizers.Adam(lr=0.5)
    assert float(opt.learning_rate) == 0.5
    for cls in (keras.optimizers.SGD, keras.optimizers.RMSprop, keras.optimizers.Adagrad,
                keras.optimizers.Adadelta, keras.optimizers.Adamax, keras.optimizers.Nadam):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert float(cls(lr=0.25).learning_rate) == 0.25
    model = _linear(optimizer="sgd")
    with pytest.warns(DeprecationWarning, match="nb_epoch"):
        history = model.fit(np.arange(3.0), np.arange(3.0), nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3


def test_keras2_decay_is_time_based():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        opt = keras.optimizers.SGD(lr=1.0, decay=0.5)
    v = tf.Variable([0.0])
    for _ in range(3):
        opt.apply_gradients([(tf.constant([1.0]), v)])
    # steps use lr / (1 + decay * iterations) with iterations 0, 1, 2
    np.testing.assert_allclose(v.numpy(), [-(1 + 1 / 1.5 + 1 / 2.0)], rtol=1e-6)


def test_keras1_dense_arguments():
    with pytest.warns(DeprecationWarning, match="kernel_initializer"):
        dense = keras.layers.Dense(output_dim=3, init="ones",
                                   W_regularizer=keras.regularizers.l2(0.1),
                                   b_regularizer=keras.regularizers.l2(0.1))
    out = dense(np.ones((1, 2), np.float32))
    assert out.shape == (1, 3) and dense.units == 3
    np.testing.assert_array_equal(dense.kernel.numpy(), np.ones((2, 3)))
    assert float(sum(dense.losses)) == pytest.approx(0.1 * 6)


def test_history_keys_follow_the_metric_name():
    x, y = np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32)
    for name in ("acc", "accuracy"):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
        model.compile("sgd", "categorical_crossentropy", metrics=[name])
        history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0)
        assert set(history.history) == {"loss", name, "val_loss", "val_" + name}
        assert model.metrics_names == ["loss", name]


def test_predict_classes_proba_and_generators():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    x = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    with pytest.warns(DeprecationWarning):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, model.predict(x, verbose=0).argmax(-1))
    with pytest.warns(DeprecationWarning):
        assert model.predict_proba(x).shape == (2, 3)

    def batches():
        while True:
            yield x, keras.utils.to_categorical([0, 2], 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model.fit_generator(batches(), steps_per_epoch=2, epochs=1, verbose=0)
        assert np.isfinite(model.evaluate_generator(batches(), steps=1, verbose=0))
        assert model.predict_generator(iter([x, x]), steps=2, verbose=0).shape == (4, 3)


def test_keras2_module_paths():
    from ndflow.keras import layers
    from ndflow.keras.layers.convolutional import Conv2D, MaxPooling2D
    from ndflow.keras.layers.core import Dense, Dropout, Flatten
    from ndflow.keras.layers.embeddings import Embedding
    from ndflow.keras.layers.merge import Concatenate, concatenate
    from ndflow.keras.layers.normalization import BatchNormalization
    from ndflow.keras.layers.pooling import AveragePooling2D
    from ndflow.keras.layers.recurrent import LSTM, SimpleRNN
    from ndflow.keras.utils import np_utils, vis_utils
    assert (Conv2D, MaxPooling2D, Dense, Dropout, Flatten, Embedding, Concatenate,
            concatenate, BatchNormalization, AveragePooling2D, LSTM, SimpleRNN) == (
        layers.Conv2D, layers.MaxPooling2D, layers.Dense, layers.Dropout, layers.Flatten,
        layers.Embedding, layers.Concatenate, layers.concatenate, layers.BatchNormalization,
        layers.AveragePooling2D, layers.LSTM, layers.SimpleRNN)
    np.testing.assert_array_equal(np_utils.to_categorical([2, 0]), [[0, 0, 1], [1, 0, 0]])
    assert vis_utils.plot_model is keras.utils.plot_model
    assert keras.utils.np_utils is np_utils
    import ndflow.keras.layers.convolutional as conv
    assert "Conv2D" in conv.__all__
    with pytest.raises(AttributeError):
        conv.NotALayer  # noqa: B018
    # TF 2.3-2.5's path for the preprocessing layers
    from ndflow.keras.layers.experimental import preprocessing
    from ndflow.keras.layers.experimental.preprocessing import Rescaling, TextVectorization
    assert (Rescaling, TextVectorization, preprocessing.RandomFlip,
            keras.layers.experimental.preprocessing.Normalization) == (
        layers.Rescaling, layers.TextVectorization, layers.RandomFlip, layers.Normalization)
    with pytest.raises(AttributeError, match="not implemented in ndflow yet"):
        preprocessing.RandomHeight  # noqa: B018


def test_backend_functions():
    from ndflow.keras import backend as K
    x = K.constant([[1.0, 2.0], [3.0, 4.0]])
    assert K.eval(K.mean(K.square(x))) == pytest.approx(7.5)
    np.testing.assert_array_equal(K.eval(K.sum(x, axis=1)), [3, 7])
    np.testing.assert_array_equal(K.eval(K.max(x, axis=0, keepdims=True)), [[3, 4]])
    assert K.int_shape(x) == (2, 2) and K.ndim(x) == 2 and K.floatx() == "float32"
    assert K.epsilon() == 1e-7 and K.learning_phase() == 0
    assert K.eval(K.cast(x, "int32")).dtype == np.int32
    v = K.variable(np.zeros(2))
    assert v.dtype == tf.float32
    K.set_value(v, [3.0, 4.0])
    np.testing.assert_array_equal(K.get_value(v), [3, 4])
    np.testing.assert_allclose(K.eval(K.binary_crossentropy(K.constant([1.0, 0.0]),
                                                            K.constant([0.9, 0.2]))),
                               [-np.log(0.9), -np.log(0.8)], rtol=1e-5)
    np.testing.assert_array_equal(K.eval(K.dot(x, x)), [[7, 10], [15, 22]])
    np.testing.assert_array_equal(K.eval(K.clip(x, 1.5, 3.0)), [[1.5, 2], [3, 3]])

    def rmse(y_true, y_pred):               # a custom metric written the Keras 2 way
        return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))
    model = _linear(metrics=[rmse])
    model.fit(np.arange(4.0), np.arange(4.0), verbose=0)
    K.clear_session()
    assert keras.layers.Dense(1).name == "dense"


def test_book_behaviours():
    class Total(keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight("total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.total.assign_add(tf.reduce_sum(tf.cast(y_pred, tf.float32)))

        def result(self):
            return self.total
    metric = Total()
    assert metric.total.shape == ()
    metric([[0.0]], [[2.0]])
    assert float(metric.result()) == 2.0

    huber = keras.losses.Huber(2.0)
    assert huber.delta == 2.0
    assert float(huber([[0.0]], [[3.0]])) == pytest.approx(0.5 * 4 + 2 * 1)

    shared = keras.layers.Dense(2, kernel_initializer="ones")
    twice = keras.Sequential([keras.Input((2,)), shared, shared])
    np.testing.assert_array_equal(twice(np.ones((1, 2), np.float32)).numpy(), [[4, 4]])
    assert len(twice.weights) == 2

    class WithBuild(keras.Model):
        def build(self, input_shape):
            self.scale = self.add_weight(name="scale", shape=(input_shape[-1],),
                                         initializer="ones")
            self.out = keras.layers.Dense(1)
            super().build(input_shape)

        def call(self, x):
            return self.out(x * self.scale)
    model = WithBuild()
    assert model(np.ones((2, 3), np.float32)).shape == (2, 1)
    assert model.scale.shape == (3,)


def test_scikit_learn_wrappers():
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV
    from ndflow.keras.wrappers.scikit_learn import KerasClassifier, KerasRegressor
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    labels = np.where(x[:, 0] > 0, "pos", "neg")

    def create_model(units=4):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(units, "relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        return model
    clf = KerasClassifier(build_fn=create_model, epochs=3, batch_size=8, verbose=0)
    search = GridSearchCV(clf, {"units": [2, 4]}, cv=2).fit(x, labels)
    assert search.best_params_["units"] in (2, 4)
    clf.fit(x, labels)
    assert set(clf.predict(x)) <= {"pos", "neg"} and clf.predict_proba(x).shape == (40, 2)
    assert 0.0 <= clf.score(x, labels) <= 1.0
    with pytest.raises(ValueError, match="legal parameter"):
        KerasClassifier(build_fn=create_model, not_an_argument=1)

    def regressor():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        return model
    reg = KerasRegressor(build_fn=regressor, epochs=2, verbose=0)
    reg.fit(x, x[:, 0])
    assert reg.predict(x).shape == (40,) and reg.score(x, x[:, 0]) <= 0


def test_subclassed_model_calling_super_init_with_self_as_the_text_generation_tutorial_does():
    class MyModel(keras.Model):
        def __init__(self, units):
            super().__init__(self)  # tf.keras 2 ignored the stray `self`
            self.dense = keras.layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

    model = MyModel(3)
    assert model(np.ones((2, 4), np.float32)).shape == (2, 3)

    class Stray(keras.Model):
        def __init__(self):
            super().__init__(np.ones(2))

    with pytest.raises(TypeError, match="inputs` and `outputs"):
        Stray()  # any other positional argument is still an error


def test_rnn_get_initial_state_accepts_the_inputs_as_tf_keras_2_did():
    gru = keras.layers.GRU(5, return_sequences=True, return_state=True)
    x = np.ones((3, 7, 2), np.float32)
    states = gru.get_initial_state(tf.constant(x))
    assert [tuple(s.shape) for s in states] == [(3, 5)]
    assert [tuple(s.shape) for s in gru.get_initial_state(4)] == [(4, 5)]
    out, state = gru(x, initial_state=states)
    assert out.shape == (3, 7, 5) and state.shape == (3, 5)


def test_cell_get_initial_state_takes_inputs_or_keywords_as_tf_keras_2_did():
    cell = keras.layers.LSTMCell(4)
    x = tf.constant(np.ones((3, 2), np.float32))
    for states in (cell.get_initial_state(x), cell.get_initial_state(inputs=x),
                   cell.get_initial_state(batch_size=3, dtype="float32")):
        assert [tuple(s.shape) for s in states] == [(3, 4), (3, 4)]

    @tf.function
    def symbolic_batch(seq):  # HOML's MyRNN: the batch known only when the graph runs
        return cell.get_initial_state(seq)[0]

    assert symbolic_batch(tf.ones((5, 7, 2))).shape == (5, 4)


def test_a_sub_model_from_an_input_layers_input_as_keras_io_ocr_builds_it():
    image = keras.Input((4,), name="image")
    hidden = keras.layers.Dense(3, name="dense2")(image)
    model = keras.Model(image, keras.layers.Dense(1)(hidden))
    layer = model.get_layer(name="image")
    assert layer.input is image and layer.output is image
    sub = keras.Model(layer.input, model.get_layer(name="dense2").output)
    assert sub.predict(np.ones((2, 4), np.float32), verbose=0).shape == (2, 3)
