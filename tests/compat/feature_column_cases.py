"""Feature-column reference cases, defined once: tests/compat/test_estimator.py runs them
on ndflow and tools/make_tf1_rest_reference.py on TensorFlow (tf.compat.v1.feature_column),
whose outputs are the fixture tests/compat/fixtures/tf1_rest_reference.json."""
import numpy as np

FEATURES = {"price": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            "age": [20.0, 45.0, 30.0],
            "color": [["red"], ["blue"], ["green"]],
            "size": ["L", "XS", "M"],
            "words": [["a", "c"], ["b", ""], ["z", ""]],
            "occupation": ["Tech-support", "Sales", "Craft-repair"],
            "id": [[1], [3], [0]]}


def columns(fc, constant_initializer):
    """The same columns, built with TensorFlow's or ndflow's feature_column module
    (tests/compat/test_estimator.py calls this with ndflow's)."""
    color = fc.categorical_column_with_vocabulary_list("color", ["green", "red"])
    size = fc.categorical_column_with_vocabulary_list("size", ["S", "M", "L"], num_oov_buckets=2)
    words = fc.categorical_column_with_vocabulary_list("words", ["a", "b", "c"])
    age = fc.bucketized_column(fc.numeric_column("age"), [18.0, 30.0, 40.0])
    occupation = fc.categorical_column_with_hash_bucket("occupation", 10)
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    dense = [fc.numeric_column("price", shape=(2,)), age,
             fc.indicator_column(color), fc.indicator_column(size),
             fc.indicator_column(occupation),
             fc.indicator_column(fc.categorical_column_with_identity("id", 4)),
             fc.indicator_column(fc.crossed_column(["color", "size"], 20)),
             fc.indicator_column(fc.crossed_column([age, "occupation"], 15)),
             fc.embedding_column(words, 2, initializer=constant_initializer(table)),
             fc.embedding_column(size, 2, combiner="sqrtn", initializer=constant_initializer(
                 np.arange(10, dtype=np.float32).reshape(5, 2)))]
    linear = [fc.numeric_column("price", shape=(2,)), color, words, age, occupation,
              fc.crossed_column(["color", "size"], 20)]
    return dense, linear


def linear_weights(name, shape):
    """The deterministic weights both sides assign to the linear model's variables."""
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float32).reshape(shape) * 0.5 + len(name) % 3)
