"""keras.applications.mobilenet: MobileNet (Howard et al., 2017): depthwise-separable
convolutions, width `alpha`; layer names as Keras's."""
import warnings

from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, finish, make_input, pooling_head
from .. import backend

decode_predictions = imagenet_utils.decode_predictions
_SIZES = (128, 160, 192, 224)


def preprocess_input(x, data_format=None):
    """ImageNet "tf" preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _conv_block(x, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    x = L.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False,
                 strides=strides, name="conv1")(x)
    x = L.BatchNormalization(axis=_axis(), name="conv1_bn")(x)
    return L.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_block(x, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1),
                     block_id=1):
    """3x3 depthwise (padded bottom/right when strided) -> BN -> ReLU6 -> 1x1 -> BN -> ReLU6."""
    if strides != (1, 1):
        x = L.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = L.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                          depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                          name=f"conv_dw_{block_id}")(x)
    x = L.BatchNormalization(axis=_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = L.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = L.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False,
                 strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = L.BatchNormalization(axis=_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return L.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


# (pointwise filters, stride) of blocks 1..13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax", name=None):
    """Instantiates MobileNet (4,253,864 parameters at alpha=1 with the 1000-class top).

    Args:
      input_shape: optional shape tuple; (224, 224, 3) by default, at least 32x32. The
        ImageNet weights exist for 128, 160, 192 and 224 square inputs.
      alpha: width multiplier of every layer (0.25, 0.5, 0.75 or 1.0 for the weights).
      depth_multiplier: of the depthwise convolutions (1 for the weights).
      dropout: rate before the classifier.
      include_top, weights, input_tensor, pooling, classes, classifier_activation: as
        vgg16.VGG16's.
      name: the model's name (default "mobilenet_{alpha:.2f}_{rows}").

    Returns:
      A keras Model.

    Raises:
      ValueError: invalid arguments, or ones the ImageNet weights do not allow.
    """
    default_size = 224
    if input_shape is not None and len(input_shape) == 3:
        rows = input_shape[0] if backend.image_data_format() == "channels_last" \
            else input_shape[1]
        if rows in _SIZES:
            default_size = rows
    img_input, data_format = make_input(input_tensor, input_shape, default_size, 32,
                                        include_top, weights, classes, classifier_activation)
    rows = img_input.shape[1] if data_format == "channels_last" else img_input.shape[2]
    cols = img_input.shape[2] if data_format == "channels_last" else img_input.shape[3]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must "
                             f"be 1. Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of "
                             f"`0.25`, `0.50`, `0.75` or `1.0` only. Received alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          f"{list(_SIZES)}. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
            rows = 224
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_block(x, filters, alpha, depth_multiplier, (stride, stride), block_id)
    if include_top:
        x = L.GlobalAveragePooling2D(keepdims=True)(x)
        x = L.Dropout(dropout, name="dropout")(x)
        x = L.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = L.Reshape((classes,), name="reshape_2")(x)
        x = L.Activation(classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}.get(alpha)
    file_name = None if alpha_text is None else \
        f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}mobilenet/{file_name}")
