"""ndflow op -> ONNX nodes. One small converter per op type, registered in CONVERTERS.

A converter gets the builder, the ndflow Operation and the ONNX names of its inputs, adds
nodes with `b.node(...)`, and returns the ONNX names of the op's outputs.
"""
import numpy as np

from ..framework.errors import InvalidArgumentError, UnimplementedError

CONVERTERS = {}
INT64_MAX = np.iinfo(np.int64).max


def converts(*op_types):
    def register(fn):
        for t in op_types:
            CONVERTERS[t] = fn
        return fn
    return register


class GraphBuilder:
    def __init__(self, helper, numpy_helper, opset):
        self.helper = helper
        self.numpy_helper = numpy_helper
        self.opset = opset
        self.nodes = []
        self.initializers = []
        self._names = {}     # id(ndflow tensor) -> ONNX name
        self._used = set()
        self._constants = {}  # (dtype, shape, bytes) -> name, so repeated constants are shared

    # --- names and constants -------------------------------------------------------------
    def fresh(self, base):
        base = base.replace(":", "_")
        name, i = base, 1
        while name in self._used:
            name = f"{base}_{i}"
            i += 1
        self._used.add(name)
        return name

    def constant(self, value, base="const"):
        array = np.asarray(value)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constants:
            name = self.fresh(base)
            self.initializers.append(self.numpy_helper.from_array(array, name))
            self._constants[key] = name
        return self._constants[key]

    def ints(self, values, base="shape"):
        return self.constant(np.asarray(list(values), dtype=np.int64), base)

    def node(self, op_type, inputs, base, n_outputs=1, **attrs):
        outputs = [self.fresh(base if n_outputs == 1 else f"{base}_{i}")
                   for i in range(n_outputs)]
        self.nodes.append(self.helper.make_node(op_type, list(inputs), outputs,
                                                name=self.fresh("node_" + base), **attrs))
        return outputs[0] if n_outputs == 1 else outputs

    # --- the walk --------------------------------------------------------------------------
    def convert(self, concrete, input_names, graph_name):
        helper = self.helper
        graph = concrete.graph
        placeholders = list(concrete.inputs)
        inputs = []
        for i, p in enumerate(placeholders):
            name = input_names[i] if input_names else p.op.name
            name = self.fresh(name)
            self._names[id(p)] = name
            inputs.append(helper.make_tensor_value_info(name, _onnx_type(helper, p.dtype),
                                                        _dims(p.shape, name)))
        needed = _needed_ops(concrete.outputs, placeholders)
        for op in graph._ops:
            if op not in needed or op.type == "Placeholder":
                continue
            self._convert_op(op)
        outputs = []
        for i, t in enumerate(concrete.outputs):
            name = self.fresh(f"output_{i}")
            self.nodes.append(helper.make_node("Identity", [self.name_of(t)], [name],
                                               name=self.fresh(f"node_output_{i}")))
            outputs.append(helper.make_tensor_value_info(name, _onnx_type(helper, t.dtype),
                                                         _dims(t.shape, name)))
        return helper.make_graph(self.nodes, graph_name, inputs, outputs, self.initializers)

    def name_of(self, tensor):
        return self._names[id(tensor)]

    def _convert_op(self, op):
        converter = CONVERTERS.get(op.type)
        if converter is None:
            raise UnimplementedError(
                f"ndflow.export.onnx: op type {op.type!r} (node {op.name!r}) has no ONNX "
                f"conversion. Supported op types: {', '.join(sorted(CONVERTERS))}.", op=op)
        ins = [self.name_of(t) for t in op.inputs]
        outs = converter(self, op, ins)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        for t, name in zip(op.outputs, outs):
            self._names[id(t)] = name


def _needed_ops(outputs, placeholders):
    fed = {id(p) for p in placeholders}
    seen, stack = set(), [t.op for t in outputs if id(t) not in fed]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in op.inputs if id(t) not in fed)
    return seen


def _onnx_type(helper, dtype):
    if dtype._np is None:
        raise UnimplementedError(f"ndflow.export.onnx: tensors of dtype {dtype.name} cannot be "
                                 "exported.")
    return helper.np_dtype_to_tensor_dtype(dtype._np)


def _dims(shape, name):
    if shape.rank is None:
        return None
    return [d if d is not None else ("batch" if i == 0 else f"{name}_dim{i}")
            for i, d in enumerate(shape.dims)]


def _rank(op, index=0):
    shape = op.inputs[index].shape
    if shape.rank is None:
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} needs the rank of "
                                 "its input, which is unknown; give the input_signature a shape.",
                                 op=op)
    return shape.rank


def _axes(axis, rank):
    if axis is None:
        return list(range(rank))
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return [int(a) % rank for a in axes]


# --- sources ---------------------------------------------------------------------------------

@converts("Const")
def _const(b, op, ins):
    return b.constant(op.attrs["value"], op.name)


@converts("ReadVariable")
def _read_variable(b, op, ins):
    var = op.attrs["var"]
    value = var.numpy() if hasattr(var, "numpy") else np.asarray(var)
    return b.constant(np.asarray(value), var.name.split(":")[0])


@converts("Identity", "StopGradient")
def _identity(b, op, ins):
    return b.node("Identity", ins, op.name)


# --- elementwise ------------------------------------------------------------------------------

_SAME = {"AddV2": "Add", "Sub": "Sub", "Mul": "Mul", "RealDiv": "Div", "Pow": "Pow",
         "Maximum": "Max", "Minimum": "Min", "Relu": "Relu", "Sigmoid": "Sigmoid",
         "Tanh": "Tanh", "Neg": "Neg", "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt",
         "Abs": "Abs", "Erf": "Erf", "Reciprocal": "Reciprocal", "Floor": "Floor",
         "Ceil": "Ceil", "Sin": "Sin", "Cos": "Cos", "Tan": "Tan", "Sign": "Sign",
         "Softplus": "Softplus", "Softsign": "Softsign", "Selu": "Selu",
         "Equal": "Equal", "Greater": "Greater", "Less": "Less",
         "GreaterEqual": "GreaterOrEqual", "LessEqual": "LessOrEqual",
         "LogicalAnd": "And", "LogicalOr": "Or", "LogicalNot": "Not", "Round": "Round"}


def _same(onnx_type):
    def convert(b, op, ins):
        return b.node(onnx_type, ins, op.name)
    return convert


for _ndflow_type, _onnx_name in _SAME.items():
    CONVERTERS[_ndflow_type] = _same(_onnx_name)


@converts("AddN")
def _add_n(b, op, ins):
    return b.node("Sum", ins, op.name)


@converts("Square")
def _square(b, op, ins):
    return b.node("Mul", [ins[0], ins[0]], op.name)


@converts("SquaredDifference")
def _squared_difference(b, op, ins):
    diff = b.node("Sub", ins, op.name + "/diff")
    return b.node("Mul", [diff, diff], op.name)


@converts("MulAdd")  # batch normalization's x * scale + shift (normalization_ops)
def _mul_add(b, op, ins):
    return b.node("Add", [b.node("Mul", ins[:2], op.name + "/mul"), ins[2]], op.name)


@converts("Rsqrt")
def _rsqrt(b, op, ins):
    return b.node("Reciprocal", [b.node("Sqrt", ins, op.name + "/sqrt")], op.name)


@converts("Elu")
def _elu(b, op, ins):
    return b.node("Elu", ins, op.name, alpha=1.0)


@converts("LeakyRelu")
def _leaky_relu(b, op, ins):
    return b.node("LeakyRelu", ins, op.name, alpha=float(op.attrs["alpha"]))


@converts("Relu6")
def _relu6(b, op, ins):
    dtype = op.outputs[0].dtype._np
    return b.node("Clip", [ins[0], b.constant(np.asarray(0, dtype)),
                           b.constant(np.asarray(6, dtype))], op.name)


@converts("Softmax", "LogSoftmax")
def _softmax(b, op, ins):
    return b.node(op.type, ins, op.name, axis=int(op.attrs.get("axis", -1)))


@converts("Select")
def _select(b, op, ins):
    return b.node("Where", ins, op.name)


@converts("Cast")
def _cast(b, op, ins):
    return b.node("Cast", ins, op.name, to=_onnx_type(b.helper, op.attrs["dtype"]))


@converts("BiasAdd")
def _bias_add(b, op, ins):
    if op.attrs.get("data_format", "NHWC") not in ("NHWC", "NWC", "NDHWC", None):
        rank = _rank(op)
        bias = b.node("Reshape", [ins[1], b.ints([-1] + [1] * (rank - 2))], op.name + "/bias")
        return b.node("Add", [ins[0], bias], op.name)
    return b.node("Add", ins, op.name)


# --- linear algebra and shapes --------------------------------------------------------------------

def _swap_last(b, op, name, index):
    rank = _rank(op, index)
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    return b.node("Transpose", [name], op.name + f"/transpose_{index}", perm=perm)


@converts("MatMul")
def _matmul(b, op, ins):
    a, c = ins
    if op.attrs.get("transpose_a"):
        a = _swap_last(b, op, a, 0)
    if op.attrs.get("transpose_b"):
        c = _swap_last(b, op, c, 1)
    return b.node("MatMul", [a, c], op.name)


@converts("Reshape")
def _reshape(b, op, ins):
    return b.node("Reshape", [ins[0], b.ints(op.attrs["shape"])], op.name)


@converts("Transpose")
def _transpose(b, op, ins):
    perm = op.attrs.get("perm")
    if perm is None:
        perm = list(reversed(range(_rank(op))))
    return b.node("Transpose", ins, op.name, perm=[int(p) for p in perm])


@converts("ConcatV2")
def _concat(b, op, ins):
    rank = op.outputs[0].shape.rank
    axis = int(op.attrs["axis"])
    return b.node("Concat", ins, op.name, axis=axis % rank if rank else axis)


@converts("Pack")
def _pack(b, op, ins):
    axis = int(op.attrs["axis"])
    rank = op.outputs[0].shape.rank
    axis = axis % rank if rank else axis
    expanded = [b.node("Unsqueeze", [x, b.ints([axis])], f"{op.name}/unsqueeze")
                for x in ins]
    return b.node("Concat", expanded, op.name, axis=axis)


@converts("ExpandDims")
def _expand_dims(b, op, ins):
    rank = op.outputs[0].shape.rank
    axis = int(op.attrs["axis"])
    return b.node("Unsqueeze", [ins[0], b.ints([axis % rank if rank else axis])], op.name)


@converts("Squeeze")
def _squeeze(b, op, ins):
    axis = op.attrs.get("axis")
    if axis is None or axis == () or axis == []:
        return b.node("Squeeze", ins, op.name)
    return b.node("Squeeze", [ins[0], b.ints(_axes(axis, _rank(op)))], op.name)


_REDUCE = {"Sum": "ReduceSum", "Mean": "ReduceMean", "Max": "ReduceMax", "Min": "ReduceMin",
           "Prod": "ReduceProd"}


@converts(*_REDUCE)
def _reduce(b, op, ins):
    onnx_type = _REDUCE[op.type]
    axes = _axes(op.attrs.get("axis"), _rank(op))
    keepdims = int(bool(op.attrs.get("keepdims", False)))
    if onnx_type == "ReduceSum" or b.opset >= 18:  # axes became an input
        return b.node(onnx_type, [ins[0], b.ints(axes)], op.name, keepdims=keepdims)
    return b.node(onnx_type, ins, op.name, axes=axes, keepdims=keepdims)


_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect"}


@converts("Pad")
def _pad(b, op, ins):
    mode = str(op.attrs.get("mode", "CONSTANT")).upper()
    if mode not in _PAD_MODES:
        raise UnimplementedError(f"ndflow.export.onnx: Pad mode {mode!r} (node {op.name!r}) has "
                                 "no ONNX equivalent; CONSTANT and REFLECT export.", op=op)
    paddings = np.asarray(op.attrs["paddings"], dtype=np.int64).reshape(-1, 2)
    pads = b.ints(list(paddings[:, 0]) + list(paddings[:, 1]))
    inputs = [ins[0], pads]
    if mode == "CONSTANT":
        value = op.attrs.get("constant_values", 0) or 0
        inputs.append(b.constant(np.asarray(value, op.outputs[0].dtype._np)))
    return b.node("Pad", inputs, op.name, mode=_PAD_MODES[mode])


@converts("GetItem")
def _getitem(b, op, ins):
    """Basic indexing (ints, slices, None, Ellipsis) as Slice, Squeeze and Unsqueeze."""
    key = op.attrs["key"]
    key = key if isinstance(key, tuple) else (key,)
    if len(ins) > 1 or not all(k is None or k is Ellipsis or isinstance(k, (int, np.integer, slice))
                               for k in key):
        raise UnimplementedError(f"ndflow.export.onnx: GetItem {op.name!r} uses advanced "
                                 "(tensor) indexing; only ints, slices, None and ... export.",
                                 op=op)
    rank = _rank(op)
    real = [k for k in key if k is not None]
    if Ellipsis in real:
        at = real.index(Ellipsis)
        fill = rank - (len(real) - 1)
        real = real[:at] + [slice(None)] * fill + real[at + 1:]
    starts, ends, axes, steps, squeeze = [], [], [], [], []
    for axis, k in enumerate(real):
        if isinstance(k, slice):
            if k == slice(None):
                continue
            step = 1 if k.step is None else int(k.step)
            start = k.start if k.start is not None else (0 if step > 0 else -1)
            end = k.stop if k.stop is not None else (INT64_MAX if step > 0 else -INT64_MAX)
            starts.append(int(start))
            ends.append(int(end))
            steps.append(step)
        else:
            index = int(k)
            starts.append(index)
            ends.append(index + 1 if index != -1 else INT64_MAX)
            steps.append(1)
            squeeze.append(axis)
        axes.append(axis)
    out = ins[0]
    if axes:
        out = b.node("Slice", [out, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps)],
                     op.name + "/slice")
    if squeeze:
        out = b.node("Squeeze", [out, b.ints(squeeze)], op.name + "/squeeze")
    new_axes = _none_axes(key, rank)  # where None inserts axes, counted in the output
    if new_axes:
        out = b.node("Unsqueeze", [out, b.ints(new_axes)], op.name + "/unsqueeze")
    return b.node("Identity", [out], op.name)


def _none_axes(key, rank):
    explicit = sum(1 for k in key if k is not None and k is not Ellipsis)
    positions, position = [], 0
    for k in key:
        if k is None:
            positions.append(position)
            position += 1
        elif k is Ellipsis:
            position += rank - explicit
        elif isinstance(k, slice):
            position += 1
    return positions


# --- convolution and pooling (NHWC outside, NCHW inside ONNX) -----------------------------------

_TO_NCHW = [0, 3, 1, 2]
_TO_NHWC = [0, 2, 3, 1]


def _check_2d(op):
    if _rank(op) != 4:
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} on a rank "
                                 f"{_rank(op)} input; 2-D (rank 4) exports.", op=op)
    fmt = op.attrs.get("data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        raise InvalidArgumentError(f"{op.type} {op.name!r}: unknown data_format {fmt!r}.")
    return fmt == "NHWC"


def _spatial(values, nhwc):
    values = list(values)
    if len(values) == 4:  # TF's 4-element form: take the spatial entries
        return values[1:3] if nhwc else values[2:4]
    return values if len(values) == 2 else values * 2


def _auto_pad(op):
    padding = op.attrs.get("padding", "VALID")
    if not isinstance(padding, str):
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} has explicit "
                                 "paddings; SAME and VALID export.", op=op)
    return "SAME_UPPER" if padding.upper() == "SAME" else "VALID"


def _around_nchw(b, op, x, make):
    nhwc = _check_2d(op)
    if nhwc:
        x = b.node("Transpose", [x], op.name + "/to_nchw", perm=_TO_NCHW)
    y = make(x, nhwc)
    if nhwc:
        y = b.node("Transpose", [y], op.name, perm=_TO_NHWC)
    return y


@converts("Conv2D")
def _conv2d(b, op, ins):
    kernel = b.node("Transpose", [ins[1]], op.name + "/kernel_oihw", perm=[3, 2, 0, 1])
    kernel_shape = op.inputs[1].shape

    def make(x, nhwc):
        attrs = {"strides": _spatial(op.attrs["strides"], nhwc),
                 "dilations": _spatial(op.attrs.get("dilations", (1, 1)), nhwc),
                 "auto_pad": _auto_pad(op)}
        if kernel_shape.rank == 4 and None not in kernel_shape.dims[:2]:
            attrs["kernel_shape"] = list(kernel_shape.dims[:2])
        return b.node("Conv", [x, kernel], op.name + "/conv", **attrs)
    return _around_nchw(b, op, ins[0], make)


@converts("MaxPool", "AvgPool")
def _pool(b, op, ins):
    onnx_type = "MaxPool" if op.type == "MaxPool" else "AveragePool"

    def make(x, nhwc):
        return b.node(onnx_type, [x], op.name + "/pool",
                      kernel_shape=_spatial(op.attrs["ksize"], nhwc),
                      strides=_spatial(op.attrs["strides"], nhwc), auto_pad=_auto_pad(op))
    return _around_nchw(b, op, ins[0], make)
