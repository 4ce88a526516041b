"""plot_graph, keras.utils.plot_model/model_to_dot and plot_history."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.plotting import can_render, plot_graph

needs_dot = pytest.mark.skipif(not can_render(), reason="rendering needs the graphviz package "
                               "and the Graphviz `dot` program (apt-get install graphviz)")


def seed004_graph():
    x = v1.placeholder(v1.float32, name="x")
    y = v1.placeholder(v1.float32, name="y")
    W = v1.Variable([1], dtype=v1.float32, name="W")
    b = v1.Variable([1], dtype=v1.float32, name="b")
    hypothesis = W * x + b
    cost = v1.reduce_mean(v1.square(hypothesis - y), name="cost")
    train = v1.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    return v1.get_default_graph(), cost, train


def test_optimizer_is_collapsed_into_one_node():
    graph, cost, _ = seed004_graph()
    dot = plot_graph(graph)
    ids = dot.node_ids
    assert not any("gradients" in n for n in ids)
    assert "training:GradientDescent" in ids
    assert {"x", "y", "Mul", "AddV2", "Sub", "Square", "cost", "var:W:0", "var:b:0"} <= set(ids)
    assert ("cost", "training:GradientDescent") in dot.edges
    assert ("training:GradientDescent", "var:W:0") in dot.edges
    assert ("var:W:0", "Mul") in dot.edges and ("x", "Mul") in dot.edges
    assert not any("initial_value" in n or n.endswith("Assign") for n in ids)  # initializers
    assert len(ids) == 10


def test_gradients_shown_when_asked():
    graph, _, _ = seed004_graph()
    ids = plot_graph(graph, collapse_gradients=False).node_ids
    assert any(n.startswith("gradients/") for n in ids)
    assert "GradientDescent" in ids


def test_a_tensor_draws_only_what_computes_it_with_shapes():
    a = v1.placeholder(v1.float32, [None, 3], name="a")
    hidden = v1.nn.relu(v1.matmul(a, v1.ones([3, 2])), name="hidden")
    v1.reduce_sum(a, name="unrelated")
    dot = plot_graph(hidden)
    assert "unrelated" not in dot.node_ids and "hidden" in dot.node_ids
    assert "(?, 2)" in dot.source and "(?, 3)" in dot.source


def test_traced_function_with_gradient_tape_is_collapsed():
    w = tf.Variable([[1.0], [2.0]], name="w")

    @tf.function(input_signature=[tf.TensorSpec([None, 2])])
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    dot = plot_graph(step)
    assert sum(1 for n in dot.node_ids if n.startswith("training:")) == 1
    assert not any("Grad" in n for n in dot.node_ids)
    assert "MatMul" in dot.node_ids


def test_eager_tensor_is_refused():
    with pytest.raises(TypeError, match="eager tensor"):
        plot_graph(tf.constant(1.0))


def test_dot_file_needs_no_graphviz(tmp_path):
    graph, _, _ = seed004_graph()
    plot_graph(graph, to_file=tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text().startswith('digraph "graph"')


@needs_dot
def test_renders_png_and_svg(tmp_path):
    graph, _, _ = seed004_graph()
    dot = plot_graph(graph, to_file=tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in dot._repr_svg_()


def test_missing_dot_program_gives_a_clear_message(monkeypatch, tmp_path):
    graphviz = pytest.importorskip("graphviz", reason="the graphviz package is not installed")
    graph, _, _ = seed004_graph()
    dot = plot_graph(graph)

    def no_dot(*args, **kwargs):
        raise graphviz.ExecutableNotFound(["dot"])
    monkeypatch.setattr(graphviz.Source, "pipe", no_dot)
    with pytest.raises(ImportError, match="apt-get install graphviz"):
        dot.save(tmp_path / "g.png")
    assert dot._repr_svg_() is None


# --- Keras ---------------------------------------------------------------------------------

keras = pytest.importorskip("ndflow.keras", reason="ndflow.keras is not available")


def functional_wide_and_deep():
    L = keras.layers
    input_wide = L.Input(shape=(5,), name="input_wide")
    input_deep = L.Input(shape=(6,), name="input_deep")
    hidden1 = L.Dense(30, activation="relu", name="hidden1")(input_deep)
    hidden2 = L.Dense(30, activation="relu", name="hidden2")(hidden1)
    concat = L.Concatenate(name="concat")([input_wide, hidden2])
    output = L.Dense(1, name="output")(concat)
    aux = L.Dense(1, name="aux_output")(hidden2)
    return keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux])


def _names(dot):
    return {n.split("@")[0] for n in dot.node_ids}


def _edges(dot):
    return {(a.split("@")[0], b.split("@")[0]) for a, b in dot.edges}


def test_model_to_dot_functional():
    dot = keras.utils.model_to_dot(functional_wide_and_deep(), show_shapes=True,
                                   show_layer_activations=True)
    assert _names(dot) == {"input_wide", "input_deep", "hidden1", "hidden2", "concat", "output",
                           "aux_output"}
    assert {("input_wide", "concat"), ("hidden2", "concat"), ("hidden2", "aux_output"),
            ("input_deep", "hidden1")} <= _edges(dot)
    assert "(None, 35)" in dot.source and "activation: relu" in dot.source


def test_model_to_dot_sequential():
    model = keras.Sequential([keras.layers.Input((28, 28)), keras.layers.Flatten(name="flat"),
                              keras.layers.Dense(10, name="dense_out")])
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    assert ("flat", "dense_out") in _edges(dot)
    assert "(None, 784)" in dot.source
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.model_to_dot(model, rankdir="BT")


class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        hidden2 = self.hidden2(self.hidden1(input_deep))
        concat = tf.concat([input_wide, hidden2], axis=1)
        return self.main_output(concat), self.aux_output(hidden2)


def test_subclassed_model_is_traced_for_its_layer_graph():
    model = WideAndDeepModel(8)
    model((np.ones((2, 5), np.float32), np.ones((2, 6), np.float32)))
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    edges = _edges(dot)
    hidden1, hidden2 = model.hidden1.name, model.hidden2.name
    assert ("input_1", hidden1) in edges and (hidden1, hidden2) in edges
    assert ("op:concat", model.main_output.name) in edges
    assert (hidden2, model.aux_output.name) in edges
    assert "(None, 13)" in dot.source


def test_unbuilt_subclassed_model_fails_clearly():
    with pytest.raises(ValueError, match="not been built"):
        keras.utils.model_to_dot(WideAndDeepModel())


@needs_dot
def test_plot_model_writes_png(tmp_path):
    keras.utils.plot_model(functional_wide_and_deep(), to_file=str(tmp_path / "m.png"),
                           show_shapes=True, dpi=72)
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")


def test_plot_history(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    from ndflow.plotting import plot_history
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.4], "mae": [0.9, 0.6, 0.4]}
    figure = plot_history(history, to_file=tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes().startswith(b"\x89PNG")
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["loss", "mae"]
    loss_lines = figure.axes[0].get_lines()
    assert [list(line.get_ydata()) for line in loss_lines] == [[1.0, 0.5, 0.25], [1.1, 0.7, 0.4]]
    with pytest.raises(ValueError, match="no curves named"):
        plot_history(history, metrics=["accuracy"])


def test_history_plot_method_after_fit(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    import ndflow.keras.utils.plotting  # noqa: F401  (attaches History.plot)
    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32), epochs=2,
                        verbose=0)
    figure = history.plot(to_file=tmp_path / "fit.png")
    assert figure.axes[0].get_title() == "loss"
