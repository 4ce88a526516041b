"""keras.applications.mobilenet_v2: MobileNetV2 (Sandler et al., 2018): inverted residual
blocks with linear bottlenecks; layer names as Keras's."""
import warnings

from .. import backend
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)


def preprocess_input(x, data_format=None):
    """ImageNet "tf" preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def make_divisible(value, divisor=8, min_value=None):
    """`value` rounded to a multiple of `divisor`, never below 90% of it."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def correct_pad(x, kernel_size):
    """The ZeroPadding2D that makes a strided 'valid' convolution act like TF's 'same'."""
    rows_axis = 1 if backend.image_data_format() == "channels_last" else 2
    size = x.shape[rows_axis:rows_axis + 2]
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (k[0] // 2, k[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(name):
    return L.BatchNormalization(axis=_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """1x1 expand -> 3x3 depthwise -> 1x1 linear projection, residual when shapes agree."""
    in_channels = inputs.shape[_axis()]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = L.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False,
                     activation=None, name=prefix + "expand")(x)
        x = _bn(prefix + "expand_BN")(x)
        x = L.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = L.ZeroPadding2D(padding=correct_pad(x, 3), name=prefix + "pad")(x)
    x = L.DepthwiseConv2D(3, strides=stride, activation=None, use_bias=False,
                          padding="same" if stride == 1 else "valid",
                          name=prefix + "depthwise")(x)
    x = _bn(prefix + "depthwise_BN")(x)
    x = L.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = L.Conv2D(pointwise_filters, 1, padding="same", use_bias=False, activation=None,
                 name=prefix + "project")(x)
    x = _bn(prefix + "project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return L.Add(name=prefix + "add")([inputs, x])
    return x


# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=None):
    """Instantiates MobileNetV2 (3,538,984 parameters at alpha=1 with the 1000-class top).

    Args:
      input_shape: optional shape tuple; (224, 224, 3) by default, at least 32x32. The
        ImageNet weights exist for 96, 128, 160, 192 and 224 square inputs.
      alpha: width multiplier (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 for the weights).
      include_top, weights, input_tensor, pooling, classes, classifier_activation: as
        vgg16.VGG16's.
      name: the model's name (default "mobilenetv2_{alpha:.2f}_{rows}").

    Returns:
      A keras Model.

    Raises:
      ValueError: invalid arguments, or ones the ImageNet weights do not allow.
    """
    last = backend.image_data_format() == "channels_last"
    default_size = 224
    if input_shape is not None and len(input_shape) == 3:
        rows, cols = (input_shape[0], input_shape[1]) if last else \
            (input_shape[1], input_shape[2])
        if rows == cols and rows in _SIZES:
            default_size = rows
    img_input, _ = make_input(input_tensor, input_shape, default_size, 32, include_top,
                              weights, classes, classifier_activation)
    rows = img_input.shape[1] if last else img_input.shape[2]
    cols = img_input.shape[2] if last else img_input.shape[3]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of "
                             f"`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only. "
                             f"Received: alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          f"{list(_SIZES)}. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
            rows = 224
    x = L.Conv2D(make_divisible(32 * alpha, 8), 3, strides=(2, 2), padding="same",
                 use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = L.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = L.Conv2D(last_filters, 1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = L.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = L.GlobalAveragePooling2D()(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    suffix = "" if include_top else "_no_top"
    file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}" \
                f"{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}mobilenet_v2/{file_name}")
