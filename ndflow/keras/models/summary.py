"""model.summary(): the Keras 3 table of layers, output shapes and parameter counts."""
import numpy as np


def _count(weights):
    return int(sum(int(np.prod(v.shape.as_list())) for v in weights))


def _output_shape(layer):
    shape = getattr(layer, "_nd_seq_output_shape", None)
    if shape is not None:
        return str(shape)
    if layer._inbound_nodes:
        try:
            return str(layer._inbound_nodes[-1].output_shapes)
        except (AttributeError, IndexError):
            pass
    return "?"


def _row_cells(layer, show_trainable):
    params = layer.count_params() if layer.built or layer.weights else 0
    if not layer.built and not layer.weights:
        params_str = "0 (unbuilt)"
    else:
        params_str = f"{params:,}"
    cells = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer), params_str]
    if show_trainable:
        cells.append("Y" if layer.trainable else "N")
    return cells


def _layers_of(model):
    from ..layers.input_layer import InputLayer
    layers = getattr(model, "layers", None) or model._sublayers()
    # Keras 3 lists Input layers of functional models, not of Sequential ones.
    from .sequential import Sequential
    if isinstance(model, Sequential):
        layers = [layer for layer in layers if not isinstance(layer, InputLayer)]
    return layers


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    print_fn = print_fn or print
    line_length = line_length or 65
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if show_trainable:
        headers.append("Trainable")
    rows = []

    def add(layer, depth):
        cells = _row_cells(layer, show_trainable)
        cells[0] = "  " * depth + cells[0]
        rows.append(cells)
        if expand_nested and hasattr(layer, "layers") and layer is not model:
            for sub in _layers_of(layer):
                add(sub, depth + 1)

    for layer in _layers_of(model):
        add(layer, 0)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    if positions:
        cuts = [int(p * line_length) if p <= 1 else int(p) for p in positions]
        widths = [max(w, b - a - 3) for w, a, b in zip(widths, [0] + cuts, cuts)]
    total_width = max(line_length, sum(widths) + 3 * len(widths) + 1)
    widths[0] += total_width - (sum(widths) + 3 * len(widths) + 1)

    def line(left, mid, right, fill="━"):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def row(cells):
        return "┃ " + " ┃ ".join(c.ljust(w) for c, w in zip(cells, widths)) + " ┃"

    def body(cells):
        return "│ " + " │ ".join(c.ljust(w) if i == 0 or i == 1 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " │"

    label = "Model" if type(model).__name__ in ("Functional", "Model") else type(model).__name__
    print_fn(f'{label}: "{model.name}"')
    print_fn(line("┏", "┳", "┓"))
    print_fn(row(headers))
    print_fn(line("┡", "╇", "┩"))
    for i, cells in enumerate(rows):
        print_fn(body(cells))
        if i != len(rows) - 1:
            print_fn(line("├", "┼", "┤", "─"))
    print_fn(line("└", "┴", "┘", "─"))
    trainable = _count(model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    total = trainable + non_trainable
    print_fn(f" Total params: {total:,} ({_human_bytes(model.weights)})")
    print_fn(f" Trainable params: {trainable:,} ({_human_bytes(model.trainable_weights)})")
    print_fn(f" Non-trainable params: {non_trainable:,} "
             f"({_human_bytes(model.non_trainable_weights)})")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "variables", None):
        opt_vars = [v for v in optimizer.variables if hasattr(v, "shape")]
        count = _count(opt_vars)
        if count:
            print_fn(f" Optimizer params: {count:,} ({_human_bytes(opt_vars)})")


def _human_bytes(weights):
    size = sum(int(np.prod(v.shape.as_list())) * v.dtype.size for v in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
