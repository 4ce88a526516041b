"""keras.applications.xception: Xception (Chollet, 2017): depthwise-separable convolutions
with residual connections; layer names (and Keras's unnamed, numbered ones) as Keras's."""
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, channel_axis, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions


def preprocess_input(x, data_format=None):
    """ImageNet "tf" preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def _sep_bn(x, filters, name, relu_first=True):
    if relu_first:
        x = L.Activation("relu", name=f"{name}_act")(x)
    x = L.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return L.BatchNormalization(axis=channel_axis(), name=f"{name}_bn")(x)


def _strided_residual(x, filters):
    residual = L.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return L.BatchNormalization(axis=channel_axis())(residual)


def _entry_block(x, filters, block, first=False):
    """Two separable convs and a 3x3/2 max-pool, added to a strided 1x1 conv of the input."""
    residual = _strided_residual(x, filters[1])
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1", relu_first=not first)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2")
    x = L.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return L.Add()([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Instantiates Xception (22,910,480 parameters with the 1000-class top).

    Arguments as vgg16.VGG16's (input at least 71x71, 299x299 by default).
    """
    img_input, _ = make_input(input_tensor, input_shape, 299, 71, include_top, weights,
                              classes, classifier_activation)
    axis = channel_axis()
    x = L.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = L.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = L.Activation("relu", name="block1_conv1_act")(x)
    x = L.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = L.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = L.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, (128, 128), 2, first=True)
    x = _entry_block(x, (256, 256), 3)
    x = _entry_block(x, (728, 728), 4)
    for block in range(5, 13):  # the middle flow: 8 residual units of 3 separable convs
        residual = x
        for i in range(1, 4):
            x = _sep_bn(x, 728, f"block{block}_sepconv{i}")
        x = L.Add()([x, residual])
    x = _entry_block(x, (728, 1024), 13)
    x = L.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False,
                          name="block14_sepconv1")(x)
    x = L.BatchNormalization(axis=axis, name="block14_sepconv1_bn")(x)
    x = L.Activation("relu", name="block14_sepconv1_act")(x)
    x = L.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False,
                          name="block14_sepconv2")(x)
    x = L.BatchNormalization(axis=axis, name="block14_sepconv2_bn")(x)
    x = L.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = L.GlobalAveragePooling2D(name="avg_pool")(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling)
    suffix = "" if include_top else "_notop"
    file_name = f"xception_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}xception/{file_name}")
