"""What every application builder does around its own layers: the input, the classifier
or pooling head, the model, and the pretrained weights."""
from .. import backend
from .. import layers as L
from ..layers.input_layer import InputLayer
from ..layers.keras_tensor import KerasTensor
from . import imagenet_utils

KERAS_APPS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def make_input(input_tensor, input_shape, default_size, min_size, include_top, weights,
               classes, classifier_activation=None, require_flatten=None):
    """Checks the common arguments; returns (input Keras tensor, data_format)."""
    imagenet_utils.check_weights_argument(weights, include_top, classes)
    if include_top and classifier_activation is not None:
        imagenet_utils.validate_activation(classifier_activation, weights)
    data_format = backend.image_data_format()
    shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, min_size, data_format,
        include_top if require_flatten is None else require_flatten, weights)
    if input_tensor is None:
        return L.Input(shape=shape), data_format
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError("The `input_tensor` argument must be a Keras tensor (from "
                         f"keras.Input or a layer's output). Received: {input_tensor!r}")
    return input_tensor, data_format


def channel_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def source_inputs(tensor):
    """The keras.Input tensors `tensor` is computed from (Keras's get_source_inputs)."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._keras_history
        if isinstance(layer, InputLayer):
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(layer._inbound_nodes[node_index].input_tensors))
    return found[0] if len(found) == 1 else found


def pooling_head(x, pooling, avg_name=None, max_name=None):
    """include_top=False: the optional global pooling."""
    if pooling == "avg":
        return L.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return L.GlobalMaxPooling2D(name=max_name)(x)
    if pooling is not None:
        raise ValueError("The `pooling` argument should be None, 'avg' or 'max'. Received: "
                         f"pooling={pooling}")
    return x


def finish(img_input, input_tensor, x, name, weights, weights_file=None, origin=None):
    """The Functional model, with its weights loaded: a local file path, or "imagenet"
    (`weights_file` fetched from `origin`, see imagenet_utils.get_model_file)."""
    from ..models import Functional
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Functional(inputs, x, name=name)
    if weights == "imagenet":
        if weights_file is None:
            raise ValueError(f"{name}: no ImageNet weights are published for these "
                             "arguments; use weights=None or a weights file.")
        model.load_weights(imagenet_utils.get_model_file(weights_file, origin))
    elif weights is not None:
        model.load_weights(weights)
    return model
