"""keras.applications.resnet: ResNet50/101/152 (He et al., 2015), and the residual stacks
ResNetV2 shares; layer names and order as Keras's."""
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, channel_axis, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions
_EPS = 1.001e-5


def preprocess_input(x, data_format=None):
    """ImageNet "caffe" preprocessing (RGB to BGR, the ImageNet mean subtracted)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def _bn(name):
    return L.BatchNormalization(axis=channel_axis(), epsilon=_EPS, name=name)


def bottleneck_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """1x1 -> 3x3 -> 1x1 (4x filters) with batch norms, added to the shortcut, then ReLU."""
    if conv_shortcut:
        shortcut = L.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = L.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn")(x)
    x = L.Activation("relu", name=f"{name}_1_relu")(x)
    x = L.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = L.Activation("relu", name=f"{name}_2_relu")(x)
    x = L.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn")(x)
    x = L.Add(name=f"{name}_add")([shortcut, x])
    return L.Activation("relu", name=f"{name}_out")(x)


def stack_v1(x, filters, blocks, stride1=2, name=None):
    x = bottleneck_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = bottleneck_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def bottleneck_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck (He et al., 2016): BN-ReLU first, the stride on the 3x3."""
    preact = _bn(f"{name}_preact_bn")(x)
    preact = L.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = L.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = L.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = L.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _bn(f"{name}_1_bn")(x)
    x = L.Activation("relu", name=f"{name}_1_relu")(x)
    x = L.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = L.Conv2D(filters, kernel_size, strides=stride, use_bias=False,
                 name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn")(x)
    x = L.Activation("relu", name=f"{name}_2_relu")(x)
    x = L.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return L.Add(name=f"{name}_out")([shortcut, x])


def stack_v2(x, filters, blocks, stride1=2, name=None):
    x = bottleneck_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = bottleneck_v2(x, filters, name=f"{name}_block{i}")
    return bottleneck_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def resnet(stack_fn, preact, use_bias, include_top, weights, input_tensor, input_shape,
           pooling, classes, classifier_activation, name, weights_name=None):
    """The ResNet skeleton: 7x7/2 stem, 3x3/2 max-pool, `stack_fn`'s stages, the head."""
    img_input, _ = make_input(input_tensor, input_shape, 224, 32, include_top, weights,
                              classes, classifier_activation)
    x = L.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = L.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = L.Activation("relu", name="conv1_relu")(x)
    x = L.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _bn("post_bn")(x)
        x = L.Activation("relu", name="post_relu")(x)
    if include_top:
        x = L.GlobalAveragePooling2D(name="avg_pool")(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling, "avg_pool", "max_pool")
    weights_name = weights_name or name
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}resnet/{file_name}")


def _v1(blocks):
    def stack_fn(x):
        x = stack_v1(x, 64, blocks[0], stride1=1, name="conv2")
        x = stack_v1(x, 128, blocks[1], name="conv3")
        x = stack_v1(x, 256, blocks[2], name="conv4")
        return stack_v1(x, 512, blocks[3], name="conv5")
    return stack_fn


_DOC = """Instantiates the {title} model ({params} parameters with the 1000-class top).

    Args:
      include_top: whether to include the global pooling and the classifier.
      weights: None (random initialization), "imagenet" (Keras's published weights,
        downloaded or found locally, see imagenet_utils) or the path of a weights file.
      input_tensor: optional Keras tensor to use as the image input.
      input_shape: optional shape tuple, (224, 224, 3) by default, at least 32x32.
      pooling: with include_top=False, None (4D output), "avg" or "max".
      classes: the number of classes of the top (1000 with imagenet weights).
      classifier_activation: the top layer's activation (None or "softmax" with
        pretrained weights).
      name: the model's name.

    Returns:
      A keras Model.

    Raises:
      ValueError: invalid `weights`, `input_shape` or `pooling`, or arguments the
        pretrained weights do not allow.
    """


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    return resnet(_v1((3, 4, 6, 3)), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    return resnet(_v1((3, 4, 23, 3)), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    return resnet(_v1((3, 8, 36, 3)), False, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet152")


ResNet50.__doc__ = _DOC.format(title="ResNet50", params="25,636,712")
ResNet101.__doc__ = _DOC.format(title="ResNet101", params="44,707,176")
ResNet152.__doc__ = _DOC.format(title="ResNet152", params="60,419,944")
