"""Prints the reference table of tests/keras_api/test_applications.py from Keras 3 itself.

    KERAS_BACKEND=jax python tools/gen_application_reference.py

For every application and argument set: the parameter count, the number of layers and a
digest of the layer list (name, class, output shape, parameter count of every layer, in
`model.layers` order). ndflow computes the same digest in the test, so the test checks the
names, order, shapes and counts of every layer without needing Keras.
"""
import hashlib
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

CASES = [  # (application, keyword arguments); small inputs keep the test fast
    ("VGG16", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("VGG16", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "avg"}),
    ("VGG19", {"include_top": False, "input_shape": (32, 32, 3)}),
    ("ResNet50", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("ResNet50", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "max"}),
    ("ResNet101", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("ResNet152", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("ResNet50V2", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("ResNet101V2", {"include_top": False, "input_shape": (32, 32, 3)}),
    ("ResNet152V2", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("InceptionV3", {"include_top": True, "input_shape": (75, 75, 3)}),
    ("InceptionV3", {"include_top": False, "input_shape": (75, 75, 3), "pooling": "avg"}),
    ("DenseNet121", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("DenseNet169", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("DenseNet201", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "avg"}),
    ("MobileNet", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("MobileNet", {"include_top": False, "input_shape": (32, 32, 3), "alpha": 0.5}),
    ("MobileNetV2", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("MobileNetV2", {"include_top": False, "input_shape": (32, 32, 3), "alpha": 1.4}),
    ("EfficientNetB0", {"include_top": True, "input_shape": (32, 32, 3)}),
    ("EfficientNetB0", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "max"}),
    ("Xception", {"include_top": True, "input_shape": (71, 71, 3)}),
    ("Xception", {"include_top": False, "input_shape": (71, 71, 3)}),
]


def layer_digest(model):
    """sha256 (first 16 hex digits) of 'name|class|output shape|params' of every layer."""
    lines = []
    for layer in model.layers:
        shape = tuple(None if d is None else int(d) for d in layer.output.shape)
        lines.append(f"{layer.name}|{type(layer).__name__}|{shape}|{layer.count_params()}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def main():
    import keras
    for name, kwargs in CASES:
        keras.backend.clear_session()
        model = getattr(keras.applications, name)(weights=None, **kwargs)
        print(f"    ({name!r}, {kwargs!r}, {model.count_params()}, {len(model.layers)}, "
              f"{layer_digest(model)!r}),")
    print("keras", keras.__version__)


if __name__ == "__main__":
    main()
