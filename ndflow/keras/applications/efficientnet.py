"""keras.applications.efficientnet: EfficientNet-B0 (Tan & Le, 2019): MBConv blocks with
squeeze-and-excitation, swish, stochastic depth; layer names as Keras's. The input
rescaling and normalization are layers of the model: feed pixels in [0, 255]."""
import math

from .. import initializers
from .. import layers as L
from . import imagenet_utils
from ._builder import channel_axis, finish, make_input, pooling_head
from .mobilenet_v2 import correct_pad

decode_predictions = imagenet_utils.decode_predictions
WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"
_IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)

# (kernel, repeats, filters in, filters out, expand ratio, strides, se ratio) per stage
_BLOCKS = ((3, 1, 32, 16, 1, 1, 0.25), (3, 2, 16, 24, 6, 2, 0.25),
           (5, 2, 24, 40, 6, 2, 0.25), (3, 3, 40, 80, 6, 2, 0.25),
           (5, 3, 80, 112, 6, 1, 0.25), (5, 4, 112, 192, 6, 2, 0.25),
           (3, 1, 192, 320, 6, 1, 0.25))


def preprocess_input(x, data_format=None):
    """The identity: EfficientNet models rescale and normalize inside (Keras does the same)."""
    return x


def _conv_init():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out",
                                        distribution="truncated_normal")


def _dense_init():
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out",
                                        distribution="uniform")


def _round_filters(filters, width, divisor=8):
    filters *= width
    rounded = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    return int(rounded + divisor if rounded < 0.9 * filters else rounded)


def mb_conv_block(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size,
                  strides, expand_ratio, se_ratio, id_skip=True):
    """Expand (1x1) -> depthwise -> squeeze-and-excite -> project (1x1), with a residual
    (and stochastic depth) when input and output line up."""
    axis = channel_axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = L.Conv2D(filters, 1, padding="same", use_bias=False,
                     kernel_initializer=_conv_init(), name=name + "expand_conv")(x)
        x = L.BatchNormalization(axis=axis, name=name + "expand_bn")(x)
        x = L.Activation(activation, name=name + "expand_activation")(x)
    if strides == 2:
        x = L.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=name + "dwconv_pad")(x)
    x = L.DepthwiseConv2D(kernel_size, strides=strides,
                          padding="valid" if strides == 2 else "same", use_bias=False,
                          depthwise_initializer=_conv_init(), name=name + "dwconv")(x)
    x = L.BatchNormalization(axis=axis, name=name + "bn")(x)
    x = L.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
        se = L.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
        se = L.Reshape((1, 1, filters) if axis == 3 else (filters, 1, 1),
                       name=name + "se_reshape")(se)
        se = L.Conv2D(filters_se, 1, padding="same", activation=activation,
                      kernel_initializer=_conv_init(), name=name + "se_reduce")(se)
        se = L.Conv2D(filters, 1, padding="same", activation="sigmoid",
                      kernel_initializer=_conv_init(), name=name + "se_expand")(se)
        x = L.Multiply(name=name + "se_excite")([x, se])
    x = L.Conv2D(filters_out, 1, padding="same", use_bias=False,
                 kernel_initializer=_conv_init(), name=name + "project_conv")(x)
    x = L.BatchNormalization(axis=axis, name=name + "project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:  # stochastic depth: the whole residual branch of a sample
            x = L.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = L.Add(name=name + "add")([x, inputs])
    return x


def efficientnet(width, depth, default_size, dropout_rate, include_top, weights,
                 input_tensor, input_shape, pooling, classes, classifier_activation, name,
                 drop_connect_rate=0.2, activation="swish"):
    img_input, _ = make_input(input_tensor, input_shape, default_size, 32, include_top,
                              weights, classes, classifier_activation)
    axis = channel_axis()
    x = L.Rescaling(1.0 / 255.0)(img_input)
    x = L.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # The published normalization holds the variance of ImageNet's std; Keras 3
        # divides by sqrt(std) once more so that the file's statistics come out right.
        x = L.Rescaling([1.0 / math.sqrt(s) for s in _IMAGENET_STDDEV_RGB])(x)
    x = L.ZeroPadding2D(padding=correct_pad(x, 3), name="stem_conv_pad")(x)
    x = L.Conv2D(_round_filters(32, width), 3, strides=2, padding="valid", use_bias=False,
                 kernel_initializer=_conv_init(), name="stem_conv")(x)
    x = L.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = L.Activation(activation, name="stem_activation")(x)
    repeats = [int(math.ceil(depth * stage[1])) for stage in _BLOCKS]
    total, b = float(sum(repeats)), 0
    for i, ((kernel, _, f_in, f_out, expand, strides, se), count) in \
            enumerate(zip(_BLOCKS, repeats)):
        f_in, f_out = _round_filters(f_in, width), _round_filters(f_out, width)
        for j in range(count):
            x = mb_conv_block(x, activation, drop_connect_rate * b / total,
                              f"block{i + 1}{chr(j + 97)}_",
                              f_in if j == 0 else f_out, f_out, kernel,
                              strides if j == 0 else 1, expand, se)
            b += 1
    x = L.Conv2D(_round_filters(1280, width), 1, padding="same", use_bias=False,
                 kernel_initializer=_conv_init(), name="top_conv")(x)
    x = L.BatchNormalization(axis=axis, name="top_bn")(x)
    x = L.Activation(activation, name="top_activation")(x)
    if include_top:
        x = L.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = L.Dropout(dropout_rate, name="top_dropout")(x)
        x = L.Dense(classes, activation=classifier_activation,
                    kernel_initializer=_dense_init(), name="predictions")(x)
    else:
        x = pooling_head(x, pooling, "avg_pool", "max_pool")
    file_name = f"{name}{'' if include_top else '_notop'}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  WEIGHTS_URL + file_name)


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", name="efficientnetb0"):
    """Instantiates EfficientNet-B0 (5,330,571 parameters with the 1000-class top).

    Arguments as vgg16.VGG16's (input at least 32x32, 224x224 by default; pixels in
    [0, 255], scaled inside the model).
    """
    return efficientnet(1.0, 1.0, 224, 0.2, include_top, weights, input_tensor,
                        input_shape, pooling, classes, classifier_activation, name)
