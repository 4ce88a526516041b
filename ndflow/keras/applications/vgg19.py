"""keras.applications.vgg19: VGG19 (Simonyan & Zisserman, 2014), with Keras's layer names."""
from .vgg16 import decode_predictions, preprocess_input, vgg  # the same for VGG19


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """Instantiates the VGG19 model (143,667,240 parameters with the top): VGG16's
    arguments (see vgg16.VGG16), with four convolutions in blocks 3 to 5."""
    return vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name)

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
