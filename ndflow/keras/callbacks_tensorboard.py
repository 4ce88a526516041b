"""keras.callbacks.TensorBoard: training logs for TensorBoard.

Writes, like Keras, into `log_dir/train` and `log_dir/validation`: `epoch_<metric>` scalars
per epoch (validation ones without their `val_` prefix, in the validation run),
`batch_<metric>` scalars every `update_freq` batches when it is an int, weight histograms
every `histogram_freq` epochs (tag `layer/weight`), weight images when `write_images`, and
the model's forward graph (traced with `model(x, training=False)`) when `write_graph`.
"""
import os

import numpy as np

from ..summary import _protos
from ..summary.writer import SummaryWriter
from .callbacks import Callback


class TensorBoard(Callback):
    _chief_only = True  # only the chief worker of a tf.distribute strategy writes events

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError("TensorBoard: `histogram_freq` must be an int >= 0. Received: "
                             f"histogram_freq={histogram_freq!r}")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("TensorBoard: `update_freq` must be 'epoch', 'batch' or an int >= 1. "
                             f"Received: update_freq={update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers = {}
        self._graph_written = False
        self._train_step = 0

    # --- writers ---------------------------------------------------------------------------
    def _writer(self, run):
        if run not in self._writers:
            self._writers[run] = SummaryWriter(os.path.join(self.log_dir, run))
        return self._writers[run]

    def _scalars(self, run, prefix, logs, step, keep):
        writer = None
        for name, value in (logs or {}).items():
            if not keep(name):
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            writer = writer or self._writer(run)
            tag = prefix + (name[4:] if name.startswith("val_") else name)
            writer.write_summary(_protos.scalar_summary(tag, number), step)

    # --- hooks ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._train_step = 0
        self._graph_written = False
        self._write_model_graph()

    def on_train_batch_end(self, batch, logs=None):
        self._train_step += 1
        if not self._graph_written:  # a subclassed model is built by its first batch
            self._write_model_graph()
        if self.update_freq != "epoch" and self._train_step % self.update_freq == 0:
            self._scalars("train", "batch_", logs, self._train_step,
                          lambda n: not n.startswith("val_"))

    def on_epoch_end(self, epoch, logs=None):
        self._scalars("train", "epoch_", logs, epoch, lambda n: not n.startswith("val_"))
        self._scalars("validation", "epoch_", logs, epoch, lambda n: n.startswith("val_"))
        learning_rate = self._learning_rate()
        if learning_rate is not None:
            self._writer("train").write_summary(
                _protos.scalar_summary("epoch_learning_rate", learning_rate), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # --- what gets written -------------------------------------------------------------------
    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None)
        rate = getattr(optimizer, "learning_rate", None)
        try:
            return float(rate.numpy() if hasattr(rate, "numpy") else rate)
        except (TypeError, ValueError):
            return None

    def _write_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                short = weight.name.split(":")[0].split("/")[-1]
                tag = f"{layer.name}/{short}"
                values = np.asarray(weight.numpy())
                writer.write_summary(_protos.histogram_summary(tag, values), epoch)
                if self.write_images:
                    image = _weight_image(values)
                    if image is not None:
                        writer.write_summary(_protos.image_summary(tag + "_image", image, 1),
                                             epoch)

    def _write_model_graph(self):
        if not self.write_graph or self.model is None or not getattr(self.model, "built", False):
            return
        graph = model_graph(self.model)
        if graph is not None:
            self._writer("train").write_graph(graph)
            self._graph_written = True


def model_graph(model):
    """The model's forward pass traced into a graph, or None when its inputs are unknown."""
    from ..framework.function import function
    specs = _input_specs(model)
    if specs is None:
        return None
    single = len(specs) == 1

    def forward(*inputs):
        return model(inputs[0] if single else list(inputs), training=False)
    return function(forward, input_signature=specs).get_concrete_function().graph


def _input_specs(model):
    from ..framework.tensor import TensorSpec
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError, TypeError):
        inputs = []
    if inputs:
        return [TensorSpec(t.shape, t.dtype) for t in inputs]
    shapes = getattr(model, "_build_shapes", None)
    if shapes is None:
        return None
    if isinstance(shapes, (list, tuple)) and shapes and all(
            isinstance(s, (list, tuple)) for s in shapes):
        return [TensorSpec([None] + list(s)[1:]) for s in shapes]
    return [TensorSpec([None] + list(shapes)[1:])]


def _weight_image(values):
    """A weight as a grey [1, h, w, 1] image scaled to [0, 1] (2-D kernels, 1-D biases)."""
    if values.ndim == 1:
        values = values[None, :]
    elif values.ndim > 2:
        values = values.reshape(-1, values.shape[-1])
    if values.ndim != 2 or values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return scaled[None, :, :, None].astype(np.float32)
