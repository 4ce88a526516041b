"""Writes tests/compat/fixtures/tf1_rest_reference.json with TensorFlow 2.21 / Keras 3:
Keras CosineDecayRestarts and CosineDecay (with warmup) values and configs, and TF1
feature-column outputs (tf.compat.v1.feature_column.input_layer / linear_model).

Run with the reference interpreter:  /work/tfref/bin/python tools/make_tf1_rest_reference.py
"""
import json
import os
import sys


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "compat"))
from feature_column_cases import FEATURES, columns, linear_weights  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "compat", "fixtures",
                   "tf1_rest_reference.json")
STEPS = [0, 1, 3, 4, 5, 7, 10, 12, 15, 20, 28, 40, 61, 100]

SCHEDULES = {
    "restarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1,
                                         "first_decay_steps": 4, "alpha": 0.05}),
    "restarts_t1_m": ("CosineDecayRestarts", {"initial_learning_rate": 0.5,
                                              "first_decay_steps": 6, "t_mul": 1.0,
                                              "m_mul": 0.5}),
    "restarts_t3": ("CosineDecayRestarts", {"initial_learning_rate": 1.0,
                                            "first_decay_steps": 3, "t_mul": 3.0,
                                            "m_mul": 0.8, "alpha": 0.1, "name": "sgdr"}),
    "cosine": ("CosineDecay", {"initial_learning_rate": 0.2, "decay_steps": 30, "alpha": 0.1}),
    "cosine_warmup": ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 20,
                                      "warmup_target": 0.1, "warmup_steps": 10}),
    "cosine_warmup_alpha": ("CosineDecay", {"initial_learning_rate": 0.01, "decay_steps": 50,
                                            "alpha": 0.2, "warmup_target": 0.3,
                                            "warmup_steps": 7}),
}


def schedules():
    cases = {}
    for name, (cls, config) in SCHEDULES.items():
        s = getattr(keras.optimizers.schedules, cls)(**config)
        cases[name] = {"class": cls, "config": config,
                       "values": [float(s(step)) for step in STEPS],
                       "get_config": s.get_config()}
    return {"steps": STEPS, "cases": cases}


def feature_columns():
    v1 = tf.compat.v1
    dense, linear = columns(v1.feature_column, v1.constant_initializer)
    with tf.Graph().as_default():
        feats = {k: tf.constant(v) for k, v in FEATURES.items()}
        net = v1.feature_column.input_layer(feats, dense)
        lin = v1.feature_column.linear_model(feats, linear, units=2)
        names = sorted(v.name for v in v1.global_variables())
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(v1.tables_initializer())
            for v in v1.global_variables():
                if v.name.startswith("linear_model"):
                    sess.run(v.assign(linear_weights(v.name, v.shape.as_list())))
            out, lin = sess.run([net, lin])
    return {"features": FEATURES, "input_layer": out.tolist(), "linear_model": lin.tolist(),
            "variable_names": names}


def main():
    data = {"versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
            "schedules": schedules(), "feature_columns": feature_columns()}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
