"""keras.utils.plot_model / model_to_dot, and plot_history (History.plot).

One box per layer with its name, class, and (on request) input/output shapes, dtype,
activation and trainable flag. Functional models use their recorded layer graph,
Sequential models their layer chain; a subclassed model is traced once on placeholders
while its layers' calls are recorded, so its picture shows the real data flow of `call`
(including plain ops such as a concat between layers).
"""
import contextlib

from ...framework.context import building_graph
from ...framework.graph import FuncGraph
from ...ops import array_ops
from ...util import nest
from ...plotting.dot import DotGraph, escape

_LAYER_STYLE = {"fillcolor": "#eef3fb", "color": "#5b7bb2"}
_INPUT_STYLE = {"fillcolor": "#fff4d6", "color": "#c79a1e"}
_OP_STYLE = {"fillcolor": "#f3f3f3", "color": "#9a9a9a", "fontsize": "9"}


def _shape_text(shape):
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return ", ".join(_shape_text(s) for s in shape)
    if shape is None:
        return "?"
    dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + \
        ("," if len(dims) == 1 else "") + ")"


class _LayerBox:
    """What one box shows: a layer (or a raw op between layers) and its shapes."""

    def __init__(self, key, title, kind, layer=None, input_shape=None, output_shape=None,
                 dtype=None):
        self.key, self.title, self.kind, self.layer = key, title, kind, layer
        self.input_shape, self.output_shape, self.dtype = input_shape, output_shape, dtype


def _label(box, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable):
    layer = box.layer
    class_name = type(layer).__name__ if layer is not None else box.kind
    title = f"{box.title} ({class_name})" if show_layer_names and box.title != class_name \
        else class_name
    rows = [f"<b>{escape(title)}</b>"]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = getattr(activation, "__name__", None) or type(activation).__name__
        rows.append(f'<font point-size="9">activation: {escape(name)}</font>')
    if show_trainable and layer is not None:
        rows.append(f'<font point-size="9">trainable: {"yes" if layer.trainable else "no"}</font>')
    if show_dtype and box.dtype is not None:
        rows.append(f'<font point-size="9" color="#555555">dtype: {escape(box.dtype)}</font>')
    if show_shapes:
        if box.kind != "InputLayer" and box.input_shape is not None:
            rows.append(f'<font point-size="9" color="#555555">in: '
                        f"{escape(_shape_text(box.input_shape))}</font>")
        if box.output_shape is not None:
            rows.append(f'<font point-size="9" color="#555555">out: '
                        f"{escape(_shape_text(box.output_shape))}</font>")
    return "<" + "<br/>".join(rows) + ">"


def _key(layer):
    return f"{layer.name}@{id(layer):x}"  # names are unique per model; the id makes sure


def _dtype_name(layer, tensors=()):
    for t in tensors:
        d = getattr(t, "dtype", None)
        if d is not None:
            return getattr(d, "name", str(d))
    d = getattr(layer, "dtype", None)
    return getattr(d, "name", d) if d is not None else None


# --- the layer graph of each kind of model --------------------------------------------------

def _functional_graph(model):
    boxes, edges = {}, []
    for t in model.inputs:
        layer = t._keras_history[0]
        boxes[_key(layer)] = _LayerBox(_key(layer), layer.name, "InputLayer", layer,
                                     output_shape=t.shape, dtype=t.dtype.name)
    for node in model._nd_nodes:
        layer = node.layer
        if _key(layer) not in boxes:
            boxes[_key(layer)] = _LayerBox(_key(layer), layer.name, type(layer).__name__, layer,
                                         node.input_shapes, node.output_shapes,
                                         _dtype_name(layer, node.output_tensors))
        for t in node.input_tensors:
            edges.append((_key(t._keras_history[0]), _key(layer)))
    return list(boxes.values()), edges


def _sequential_graph(model):
    from ..layers.input_layer import InputLayer
    boxes, edges = [], []
    previous = None
    shape = None
    try:
        inputs = model.inputs
    except (AttributeError, ValueError, TypeError):
        inputs = None
    if inputs:
        t = inputs[0]
        layer = t._keras_history[0] if t._keras_history else None
        boxes.append(_LayerBox("input", getattr(layer, "name", "input"), "InputLayer", layer,
                               output_shape=t.shape, dtype=t.dtype.name))
        previous, shape = "input", t.shape
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            continue
        out = _layer_output_shape(layer)
        boxes.append(_LayerBox(_key(layer), layer.name, type(layer).__name__, layer, shape, out,
                               _dtype_name(layer)))
        if previous is not None:
            edges.append((previous, _key(layer)))
        previous, shape = _key(layer), out
    return boxes, edges


def _layer_output_shape(layer):
    shape = getattr(layer, "_nd_seq_output_shape", None)
    if shape is None and layer._inbound_nodes:
        shape = layer._inbound_nodes[-1].output_shapes
    return shape


@contextlib.contextmanager
def _recording_layer_calls(model, records, expand_nested):
    """Records (layer, inputs, outputs) of each layer call made while `model` runs."""
    from ..layers.base import Layer
    original = Layer._call_with_context
    depth = [0]

    def recording(layer, args, kwargs):
        depth[0] += 1
        try:
            outputs = original(layer, args, kwargs)
        finally:
            depth[0] -= 1
        top = depth[0] == 1 or (expand_nested and depth[0] >= 1)
        if layer is not model and top:
            records.append((layer, nest.flatten((args, kwargs)), nest.flatten(outputs)))
        return outputs

    Layer._call_with_context = recording
    try:
        yield
    finally:
        Layer._call_with_context = original


def _traced_graph(model, expand_nested):
    """Layer graph of a subclassed model, from one trace of `call` on placeholders."""
    shapes = getattr(model, "_build_shapes", None)
    if not model.built or shapes is None:
        raise ValueError(f"plot_model: model {model.name!r} has not been built yet, so its "
                         "layers and shapes are unknown. Call it on data (or fit it, or call "
                         "model.build(input_shape)) before plotting.")
    records = []
    graph = FuncGraph(f"{model.name}_plot")
    with building_graph(graph):
        inputs = _placeholders(shapes)
        with _recording_layer_calls(model, records, expand_nested):
            model(inputs, training=False)
    boxes, edges = {}, []
    producer = {}
    for i, p in enumerate(nest.flatten(inputs)):
        key = f"input_{i}"
        boxes[key] = _LayerBox(key, key if len(nest.flatten(inputs)) > 1 else "input",
                               "InputLayer", None, output_shape=p.shape.as_list(),
                               dtype=p.dtype.name)
        producer[id(p)] = key
    for layer, ins, outs in records:
        for t in outs:
            producer[id(t)] = _key(layer)
    for layer, ins, outs in records:
        key = _key(layer)
        in_shapes = [t.shape.as_list() for t in ins if hasattr(t, "op")]
        boxes.setdefault(key, _LayerBox(
            key, layer.name, type(layer).__name__, layer,
            in_shapes[0] if len(in_shapes) == 1 else in_shapes or None,
            _shapes_of(outs), _dtype_name(layer, outs)))
        for t in ins:
            if hasattr(t, "op"):
                _connect(t, key, producer, boxes, edges)
    return list(boxes.values()), list(dict.fromkeys(edges))


def _placeholders(shapes):
    """Float32 placeholders with the structure of the model's build shapes."""
    if isinstance(shapes, dict):
        return {k: _placeholders(v) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and all(
            isinstance(s, (list, tuple, dict)) for s in shapes):
        return type(shapes)(_placeholders(s) for s in shapes)
    dims = list(shapes)
    return array_ops.placeholder("float32", [None] + dims[1:] if dims else dims)  # any batch


def _shapes_of(tensors):
    shapes = [t.shape.as_list() for t in tensors if hasattr(t, "shape")]
    return shapes[0] if len(shapes) == 1 else shapes


def _connect(tensor, head, producer, boxes, edges, depth=0):
    """Edge from whatever produced `tensor`: a layer, an input, or a raw op (drawn as a small
    box and followed back to its own inputs)."""
    tail = producer.get(id(tensor))
    if tail is not None:
        edges.append((tail, head))
        return
    op = getattr(tensor, "op", None)
    if op is None or op.type in ("Const", "ReadVariable") or depth > 50:
        return
    key = "op:" + op.name
    if key not in boxes:
        boxes[key] = _LayerBox(key, op.type, op.type, None, None, tensor.shape.as_list()
                               if tensor.shape.rank is not None else None, tensor.dtype.name)
        for t in op.inputs:
            _connect(t, key, producer, boxes, edges, depth + 1)
    edges.append((key, head))


def _layer_graph(model, expand_nested):
    from ..models.sequential import Sequential
    if hasattr(model, "_nd_nodes"):
        return _functional_graph(model)
    if isinstance(model, Sequential):
        return _sequential_graph(model)
    return _traced_graph(model, expand_nested)


# --- public API ------------------------------------------------------------------------------

def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, **kwargs):
    """A DotGraph of the model's layers (DOT text in `.source`; `.create(format="png")`)."""
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR'. Received: "
                         f"rankdir={rankdir!r}")
    boxes, edges = _layer_graph(model, expand_nested)
    dot = DotGraph(name=model.name, rankdir=rankdir, dpi=dpi)
    for box in boxes:
        style = _INPUT_STYLE if box.kind == "InputLayer" else \
            _OP_STYLE if box.layer is None else _LAYER_STYLE
        dot.node(box.key, label=_label(box, show_shapes, show_dtype, show_layer_names,
                                       show_layer_activations, show_trainable), **style)
    for tail, head in dict.fromkeys(edges):
        dot.edge(tail, head)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draws the model's layers to `to_file` (.png/.svg/.pdf, .dot for the DOT text) and
    returns the picture (it shows itself in Jupyter)."""
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    if to_file:
        dot.save(to_file)
    return dot


# --- training curves -----------------------------------------------------------------------

def _history_dict(history):
    if isinstance(history, dict):
        return history
    values = getattr(history, "history", None)
    if isinstance(values, dict):
        return values
    raise TypeError("plot_history expects a History (what fit returns) or its .history dict; "
                    f"received {type(history).__name__}.")


def plot_history(history, metrics=None, to_file=None, title=None, figsize=None):
    """Loss and metric curves of a training run: one panel per metric, training and
    validation (`val_...`) on the same axes. Returns the matplotlib Figure; saved to
    `to_file` when given."""
    try:
        import matplotlib
        if to_file is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("plot_history needs matplotlib: `pip install matplotlib`.") from e
    logs = _history_dict(history)
    names = [k for k in logs if not k.startswith("val_")]
    names += [k[4:] for k in logs if k.startswith("val_") and k[4:] not in names]
    if metrics is not None:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        unknown = [m for m in metrics if m not in names]
        if unknown:
            raise ValueError(f"plot_history: no curves named {unknown}; the history has "
                             f"{sorted(logs)}.")
        names = metrics
    names = sorted(names, key=lambda n: (n != "loss", n))  # loss first
    if not names:
        raise ValueError("plot_history: the history is empty (was fit run for any epoch?).")
    figure, axes = plt.subplots(1, len(names), figsize=figsize or (4.6 * len(names), 3.6),
                                squeeze=False)
    for ax, name in zip(axes[0], names):
        for key, label, style in ((name, "training", "-o"), ("val_" + name, "validation", "--s")):
            values = logs.get(key)
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(epochs, [float(v) for v in values], style, label=label, markersize=3.5,
                        linewidth=1.6)
        ax.set_title(name.replace("_", " "), fontsize=11)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=9)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    if to_file is not None:
        figure.savefig(to_file, dpi=120)
        plt.close(figure)
    return figure
