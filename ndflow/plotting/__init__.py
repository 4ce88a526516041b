"""ndflow.plotting: pictures of graphs (`plot_graph`) and of training runs (`plot_history`).

`plot_model`/`model_to_dot` for Keras models live in `ndflow.keras.utils`.
"""
from .dot import DotGraph, can_render  # noqa: F401
from .graph_plot import plot_graph  # noqa: F401


def __getattr__(name):
    if name == "plot_history":  # matplotlib and Keras load only when asked for
        from ..keras.utils.plotting import plot_history
        return plot_history
    raise AttributeError(f"module 'ndflow.plotting' has no attribute {name!r}")
