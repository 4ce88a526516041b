"""keras.applications: the ImageNet architectures, with Keras 3's layer names, shapes and
parameter counts, so Keras's published weight files load into them.

Each model is also in its module with that module's `preprocess_input` and
`decode_predictions` (`keras.applications.resnet50.preprocess_input`...).
"""
from . import (densenet, efficientnet, imagenet_utils, inception_v3, mobilenet,  # noqa: F401
               mobilenet_v2, resnet, resnet50, resnet_v2, vgg16, vgg19, xception)
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import EfficientNetB0
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0", "InceptionV3",
           "MobileNet", "MobileNetV2", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2",
           "ResNet101V2", "ResNet152V2", "VGG16", "VGG19", "Xception", "densenet",
           "efficientnet", "imagenet_utils", "inception_v3", "mobilenet", "mobilenet_v2",
           "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19", "xception"]
