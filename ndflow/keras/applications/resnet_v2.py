"""keras.applications.resnet_v2: ResNet50V2/101V2/152V2 (He et al., 2016: identity
mappings, pre-activation blocks); layer names and order as Keras's."""
from . import imagenet_utils
from .resnet import _DOC, resnet, stack_v2

decode_predictions = imagenet_utils.decode_predictions


def preprocess_input(x, data_format=None):
    """ImageNet "tf" preprocessing: pixels scaled to [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def _v2(blocks):
    def stack_fn(x):
        x = stack_v2(x, 64, blocks[0], name="conv2")
        x = stack_v2(x, 128, blocks[1], name="conv3")
        x = stack_v2(x, 256, blocks[2], name="conv4")
        return stack_v2(x, 512, blocks[3], stride1=1, name="conv5")
    return stack_fn


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax",
               name="resnet50v2"):
    return resnet(_v2((3, 4, 6, 3)), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    return resnet(_v2((3, 4, 23, 3)), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    return resnet(_v2((3, 8, 36, 3)), True, True, include_top, weights, input_tensor,
                  input_shape, pooling, classes, classifier_activation, name, "resnet152v2")


ResNet50V2.__doc__ = _DOC.format(title="ResNet50V2", params="25,613,800")
ResNet101V2.__doc__ = _DOC.format(title="ResNet101V2", params="44,675,560")
ResNet152V2.__doc__ = _DOC.format(title="ResNet152V2", params="60,380,648")
