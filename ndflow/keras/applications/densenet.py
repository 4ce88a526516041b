"""keras.applications.densenet: DenseNet-121/169/201 (Huang et al., 2016), with Keras's
layer names."""
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, channel_axis, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions
_EPS = 1.001e-5


def preprocess_input(x, data_format=None):
    """ImageNet "torch" preprocessing: [0, 1], then ImageNet's mean and std per channel."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def _bn_relu(x, name):
    x = L.BatchNormalization(axis=channel_axis(), epsilon=_EPS, name=f"{name}_bn")(x)
    return L.Activation("relu", name=f"{name}_relu")(x)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 (4k) -> BN-ReLU-3x3 (k), concatenated to its input."""
    y = _bn_relu(x, f"{name}_0")
    y = L.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _bn_relu(y, f"{name}_1")
    y = L.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return L.Concatenate(axis=channel_axis(), name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN-ReLU-1x1 conv to `reduction` of the channels, then 2x2 average pooling."""
    channels = x.shape[channel_axis()]
    x = _bn_relu(x, name)
    x = L.Conv2D(int(channels * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return L.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes,
             classifier_activation, name):
    img_input, _ = make_input(input_tensor, input_shape, 224, 32, include_top, weights,
                              classes, classifier_activation)
    x = L.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = L.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = L.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = L.BatchNormalization(axis=channel_axis(), epsilon=_EPS, name="bn")(x)
    x = L.Activation("relu", name="relu")(x)
    if include_top:
        x = L.GlobalAveragePooling2D(name="avg_pool")(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling, "avg_pool", "max_pool")
    suffix = "" if include_top else "_notop"
    file_name = f"{name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}densenet/{file_name}")


_DOC = """Instantiates {title} ({params} parameters with the 1000-class top).

    Arguments as vgg16.VGG16's (input at least 32x32, 224x224 by default).
    """


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    return densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    return densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    return densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name)


DenseNet121.__doc__ = _DOC.format(title="DenseNet-121", params="8,062,504")
DenseNet169.__doc__ = _DOC.format(title="DenseNet-169", params="14,307,880")
DenseNet201.__doc__ = _DOC.format(title="DenseNet-201", params="20,242,984")
