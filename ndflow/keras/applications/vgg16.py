"""keras.applications.vgg16: VGG16 (Simonyan & Zisserman, 2014), with Keras's layer names."""
from .. import layers as L
from . import imagenet_utils
from ._builder import KERAS_APPS_URL, finish, make_input, pooling_head

decode_predictions = imagenet_utils.decode_predictions


def preprocess_input(x, data_format=None):
    """ImageNet "caffe" preprocessing (RGB to BGR, the ImageNet mean subtracted)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, name):
    """VGG-16/19: five blocks of 3x3 convolutions, each ending in a 2x2 max-pool, then two
    4096-unit layers and the classifier."""
    img_input, data_format = make_input(input_tensor, input_shape, 224, 32, include_top,
                                        weights, classes, classifier_activation)
    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block),
                                             start=1):
        for i in range(1, convs + 1):
            x = L.Conv2D(filters, (3, 3), activation="relu", padding="same",
                         name=f"block{block}_conv{i}")(x)
        x = L.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = L.Flatten(name="flatten")(x)
        x = L.Dense(4096, activation="relu", name="fc1")(x)
        x = L.Dense(4096, activation="relu", name="fc2")(x)
        x = L.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooling_head(x, pooling)
    suffix = "" if include_top else "_notop"
    file_name = f"{name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return finish(img_input, input_tensor, x, name, weights, file_name,
                  f"{KERAS_APPS_URL}{name}/{file_name}")


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """Instantiates the VGG16 model (138,357,544 parameters with the 1000-class top).

    Args:
      include_top: whether to include the 3 fully-connected layers at the top.
      weights: None (random initialization), "imagenet" (Keras's published weights,
        downloaded or found locally, see imagenet_utils) or the path of a weights file
        (Keras's `.h5` files, or a `.weights.h5`).
      input_tensor: optional Keras tensor to use as the image input.
      input_shape: optional shape tuple, (224, 224, 3) by default; at least 32x32; with
        include_top=True it must be static.
      pooling: with include_top=False, None (the 4D output of the last block), "avg" or
        "max" (global pooling to 2D).
      classes: the number of classes of the top (1000 with imagenet weights).
      classifier_activation: the top layer's activation (None or "softmax" with
        pretrained weights).
      name: the model's name.

    Returns:
      A keras Model.

    Raises:
      ValueError: invalid `weights`, `input_shape`, `pooling` or a wrong `classes` or
        `classifier_activation` for the pretrained weights.
    """
    return vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name)
