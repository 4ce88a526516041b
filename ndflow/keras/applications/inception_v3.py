"""keras.applications.inception_v3: Inception-v3 (Szegedy et al., 2015), with Keras's layer
names (its unnamed layers are numbered in the order Keras creates them)."""
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, channel_axis, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions


def preprocess_input(x, data_format=None):
    """ImageNet "tf" preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def conv2d_bn(x, filters, rows, cols, padding="same", strides=(1, 1), name=None):
    """Conv (no bias) -> BatchNorm (no scale) -> ReLU."""
    x = L.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False,
                 name=None if name is None else f"{name}_conv")(x)
    x = L.BatchNormalization(axis=channel_axis(), scale=False,
                             name=None if name is None else f"{name}_bn")(x)
    return L.Activation("relu", name=name)(x)


def _concat(branches, name=None):
    return L.Concatenate(axis=channel_axis(), name=name)(branches)


def _block_35(x, pool_filters, name):
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    bp = L.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    bp = conv2d_bn(bp, pool_filters, 1, 1)
    return _concat([b1, b5, b3, bp], name)


def _block_17(x, width, name):
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(x, width, 1, 1)
    b7 = conv2d_bn(b7, width, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    bd = conv2d_bn(x, width, 1, 1)
    for rows, cols in ((7, 1), (1, 7), (7, 1)):
        bd = conv2d_bn(bd, width, rows, cols)
    bd = conv2d_bn(bd, 192, 1, 7)
    bp = L.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    bp = conv2d_bn(bp, 192, 1, 1)
    return _concat([b1, b7, bd, bp], name)


def _block_8(x, i):
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = _concat([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], f"mixed9_{i}")
    bd = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    bd = _concat([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)])
    bp = L.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    bp = conv2d_bn(bp, 192, 1, 1)
    return _concat([b1, b3, bd, bp], f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """Instantiates Inception-v3 (23,851,784 parameters with the 1000-class top).

    Args:
      include_top: whether to include the global pooling and the classifier.
      weights: None, "imagenet" (Keras's published weights) or a weights file path.
      input_tensor: optional Keras tensor to use as the image input.
      input_shape: optional shape tuple, (299, 299, 3) by default, at least 75x75.
      pooling: with include_top=False, None (4D output), "avg" or "max".
      classes: the number of classes of the top (1000 with imagenet weights).
      classifier_activation: the top layer's activation.
      name: the model's name.

    Returns:
      A keras Model.

    Raises:
      ValueError: invalid arguments (see vgg16.VGG16).
    """
    img_input, _ = make_input(input_tensor, input_shape, 299, 75, include_top, weights,
                              classes, classifier_activation)
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = L.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = L.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):     # 35x35 (at 299x299 input)
        x = _block_35(x, pool_filters, f"mixed{i}")
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    bd = conv2d_bn(bd, 96, 3, 3, strides=(2, 2), padding="valid")
    bp = L.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _concat([b3, bd, bp], "mixed3")
    for i, width in enumerate((128, 160, 160, 192)):    # 17x17
        x = _block_17(x, width, f"mixed{4 + i}")
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(b7, 192, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = L.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _concat([b3, b7, bp], "mixed8")
    for i in range(2):                                  # 8x8
        x = _block_8(x, i)
    if include_top:
        x = L.GlobalAveragePooling2D(name="avg_pool")(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling)
    suffix = "" if include_top else "_notop"
    file_name = f"inception_v3_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}inception_v3/{file_name}")
