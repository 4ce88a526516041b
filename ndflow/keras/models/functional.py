"""Functional models: a graph of layer calls recorded on Keras tensors.

Running the model walks the recorded nodes in creation order (which is a topological
order: a node exists only after its inputs do) on real tensors.
"""
from ...framework.tensor import TensorLike
from ...ops import array_ops
from ...util import nest
from ..layers.base import shape_tuple
from ..layers.input_layer import InputLayer
from ..layers.keras_tensor import KerasTensor
from .model import Model


def _unwrap_single(structure):
    if isinstance(structure, (list, tuple)) and len(structure) == 1 and \
            isinstance(structure[0], KerasTensor):
        return structure[0]
    return structure


class Functional(Model):
    """A model defined by a graph of layers from `inputs` to `outputs` (the functional API).

    `keras.Model(inputs, outputs)` creates one. Calling it on new tensors runs the layers in the
    order they were connected; its config records that graph so `save`/`load_model` rebuild it.

    Args:
      inputs: A `keras.Input` tensor, or a list/dict of them.
      outputs: The tensor(s) computed from `inputs` by layers.
      name: The model's name.
      trainable: Whether its weights are trained.
      **kwargs: Base `Layer` options.

    Raises:
      ValueError: If an output does not depend on the given inputs.
    """
    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        if name is None and type(self) is Functional:  # a user's subclass: named after it
            name = _default_name()
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        for t in nest.flatten(inputs):
            if not isinstance(t, KerasTensor):
                raise ValueError("All `inputs` values must be KerasTensors (from keras.Input). "
                                 f"Received: inputs={inputs} including invalid value {t!r}")
            if not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(f"Functional model inputs must come from keras.Input; {t!r} "
                                 f"is the output of layer {t._keras_history[0].name!r}.")
        for t in nest.flatten(outputs):
            if not isinstance(t, KerasTensor):
                raise ValueError("All `outputs` values must be KerasTensors. Received: "
                                 f"outputs={outputs} including invalid value {t!r}")
        self._nd_inputs_struct = inputs if isinstance(inputs, dict) else _copy(inputs)
        self._nd_outputs_struct = outputs if isinstance(outputs, dict) else _copy(outputs)
        self._nd_inputs = nest.flatten(inputs)
        self._nd_outputs = nest.flatten(outputs)
        self._nd_nodes = self._collect_nodes()
        self._functional_layers = _keras_layer_order(self._nd_inputs, self._nd_outputs)
        self._nd_input_names = [t._keras_history[0].name for t in self._nd_inputs]
        self.built = True
        self._build_shapes = nest.map_structure(lambda t: t.shape,
                                                _unwrap_single(self._nd_inputs_struct))

    def _collect_nodes(self):
        input_ids = {id(t) for t in self._nd_inputs}
        seen = {}
        stack = list(self._nd_outputs)
        while stack:
            t = stack.pop()
            if id(t) in input_ids:
                continue
            layer, node_index, _ = t._keras_history
            node = layer._inbound_nodes[node_index]
            if node.id in seen:
                continue
            if node.is_input:
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {t!r} at layer "
                    f'"{layer.name}". The following previous layers were accessed without '
                    f"issue: {[n.layer.name for n in seen.values()]}. Pass it in `inputs`.")
            seen[node.id] = node
            stack.extend(node.input_tensors)
        return [seen[k] for k in sorted(seen)]

    @property
    def layers(self):
        return list(self._functional_layers)

    @property
    def inputs(self):
        return list(self._nd_inputs)

    @property
    def outputs(self):
        return list(self._nd_outputs)

    @property
    def input(self):
        return _unwrap_single(self._nd_inputs_struct)

    @property
    def output(self):
        return _unwrap_single(self._nd_outputs_struct)

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: t.shape, self.input)

    @property
    def output_shape(self):
        return nest.map_structure(lambda t: t.shape, self.output)

    @property
    def output_names(self):
        return [t._keras_history[0].name for t in self._nd_outputs]

    @property
    def input_names(self):
        return list(self._nd_input_names)

    def _flatten_inputs(self, inputs):
        struct = self._nd_inputs_struct
        if isinstance(struct, dict):
            if not isinstance(inputs, dict):
                flat = nest.flatten(inputs)
                if len(flat) == len(self._nd_inputs):  # positional, in sorted-key order
                    return flat
                raise ValueError(f"Model {self.name} expects a dict of inputs with keys "
                                 f"{sorted(struct)}; received {type(inputs).__name__}.")
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(f"Model {self.name}: missing inputs {missing}; expected keys "
                                 f"{sorted(struct)}, received keys {sorted(inputs)}.")
            return [inputs[k] for k in sorted(struct)]
        if isinstance(inputs, dict):  # dict keyed by input layer names
            try:
                return [inputs[n] for n in self._nd_input_names]
            except KeyError as e:
                raise ValueError(f"Model {self.name}: no input named {e}; inputs are "
                                 f"{self._nd_input_names}.") from None
        flat = nest.flatten(inputs)
        if len(flat) != len(self._nd_inputs):
            raise ValueError(f'Layer "{self.name}" expects {len(self._nd_inputs)} input(s), but '
                             f"it received {len(flat)} input tensors.")
        return flat

    def _standardize(self, x, spec):
        if getattr(spec, "sparse", False) and hasattr(x, "dense_shape"):
            # Input(sparse=True): a SparseTensor passes as is (its values take the dtype)
            return x if x.dtype == spec.dtype else x.with_values(
                array_ops.cast(x.values, spec.dtype))
        if getattr(spec, "ragged_rank", 0):  # Input(ragged=True): a RaggedTensor passes as is
            if not hasattr(x, "flat_values"):
                raise TypeError(f'Input of model "{self.name}" was declared ragged; pass a '
                                f"tf.RaggedTensor, got {type(x).__name__}.")
            return array_ops.cast(x, spec.dtype) if x.dtype != spec.dtype else x
        if not isinstance(x, TensorLike):
            x = array_ops.convert_to_tensor(x, dtype=spec.dtype if _is_float(x, spec) else None)
        if x.dtype != spec.dtype and (x.dtype.is_floating or spec.dtype.is_floating
                                      or spec.dtype.is_integer):
            x = array_ops.cast(x, spec.dtype)
        x = adjust_input_rank(x, spec.shape)
        shape = shape_tuple(x)
        if shape is not None:
            expected = spec.shape
            bad = len(shape) != len(expected) or any(
                a is not None and b is not None and a != b for a, b in zip(shape, expected))
            if bad:
                raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the layer: '
                                 f"expected shape={expected}, found shape={shape}")
        return x

    def call(self, inputs, training=None, mask=None):
        flat = self._flatten_inputs(inputs)
        values = {}
        for kt, x in zip(self._nd_inputs, flat):
            values[id(kt)] = self._standardize(x, kt)

        def fetch(t):
            return values[id(t)] if isinstance(t, KerasTensor) else t

        for node in self._nd_nodes:
            args = nest.map_structure(fetch, node.call_args)
            kwargs = nest.map_structure(fetch, node.call_kwargs)
            outs = node.layer(*args, **kwargs)
            for kt, o in zip(node.output_tensors, nest.flatten(outs)):
                values[id(kt)] = o
        return nest.map_structure(fetch, _unwrap_single(self._nd_outputs_struct))

    def get_config(self):
        from .serialization import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .serialization import functional_from_config
        return functional_from_config(config, custom_objects)


def _keras_layer_order(inputs, outputs):
    """The layers in Keras's order (what `model.layers` lists and what weight files follow):
    by depth, the inputs' (deepest) first, the depth of a node being its longest distance
    from an output; ties in the order a depth-first walk from the outputs first meets them."""
    input_ids = {id(t) for t in inputs}
    finished, post_order, first_seen = set(), [], {}
    for output in outputs:
        stack = [(output, False)]
        while stack:  # iterative: DenseNet-201 is deeper than Python's recursion limit
            tensor, expanded = stack.pop()
            layer, node_index, _ = tensor._keras_history
            node = layer._inbound_nodes[node_index]
            if node.id in finished:
                continue
            if expanded or (not node.is_input and id(tensor) in input_ids):
                finished.add(node.id)
                if expanded:
                    post_order.append(node)
                continue
            first_seen.setdefault(id(layer), (len(first_seen), layer))
            stack.append((tensor, True))
            if not node.is_input:
                stack.extend((t, False) for t in reversed(node.input_tensors))
    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(node.id, 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[node.id] = depth
        for parent in node.parent_nodes:
            node_depth[parent.id] = max(depth + 1, node_depth.get(parent.id, 0))
    for t in inputs:  # an input no output depends on still counts, at depth 0
        layer = t._keras_history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            first_seen.setdefault(id(layer), (len(first_seen), layer))
    ranked = sorted(first_seen.values(), key=lambda p: (-layer_depth[id(p[1])], p[0]))
    return [layer for _, layer in ranked]


def adjust_input_rank(x, expected):
    """Like Keras: an input one rank short of an expected shape ending in 1 gains that axis
    (1-D data for a `(None, 1)` input), one a rank too many ending in 1 loses it."""
    shape = shape_tuple(x)
    if shape is None or expected is None or len(shape) == len(expected):
        return x
    if len(shape) == len(expected) - 1 and expected[-1] == 1:
        return array_ops.expand_dims(x, -1)
    if len(shape) == len(expected) + 1 and shape[-1] == 1:
        return array_ops.squeeze(x, [-1])
    return x


def _is_float(x, spec):
    import numpy as np
    return spec.dtype.is_floating and np.asarray(x).dtype.kind == "f"


def _copy(structure):
    return list(structure) if isinstance(structure, list) else structure


def _default_name():
    from .. import backend
    return backend.unique_object_name("functional")
