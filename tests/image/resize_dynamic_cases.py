"""The run-time-size resize cases, defined once: tests/image/test_resize_dynamic.py runs them
on ndflow and tools/make_tf_resize_dynamic_fixtures.py on TensorFlow (`tf`: the module,
`v1`: its TF1 names), so the two cannot drift apart."""
METHODS_V1 = {"bilinear": 0, "nearest": 1, "bicubic": 2, "area": 3}
SIZES = [(7, 9), (3, 2), (5, 5)]  # up, down, mixed (the images are 5 x 6)
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]


def v1_fetches(v1, x, x8, x64, size):
    """name -> TF1 resize of the float32 / uint8 / float64 placeholders `x`, `x8`, `x64` to
    the fed `size`, with every method and corner option."""
    fetches = {}
    for name, method in METHODS_V1.items():
        for align in (False, True):
            fetches[f"v1_{name}_{int(align)}"] = v1.image.resize_images(
                x, size, method=method, align_corners=align)
    fetches["v1_resize_bilinear_align"] = v1.image.resize_bilinear(x, size, align_corners=True)
    # ResizeMethod.BILINEAR, spelled as TF1 programs do
    fetches["v1_uint8_bilinear_align"] = v1.image.resize_images(
        x8, size, method=v1.image.ResizeMethod.BILINEAR, align_corners=True)
    fetches["v1_float64_bilinear_align"] = v1.image.resize_images(x64, size,
                                                                  align_corners=True)
    return fetches


def shape_cases(tf, v1, x, size):
    """name -> resized tensor, for an images tensor `x` of shape [None, None, None, 3] and
    an int32 tensor `size` of shape [2]."""
    image = v1.image
    return {
        "list": image.resize_images(x, [7, 9]),
        "tensor": image.resize_images(x, size),
        "shape_slice": image.resize_images(x, tf.shape(x)[1:3]),
        "shape_times_2": image.resize_images(x, tf.shape(x)[1:3] * 2),
        "mixed_list": image.resize_images(x, [tf.shape(x)[1] * 2, 5]),
        "bilinear_align": image.resize_bilinear(x, size, align_corners=True),
        "aspect": image.resize_images(x, [6, 6], preserve_aspect_ratio=True),
        "static_3d": image.resize_images(x[0], [4, 4], method=1),
    }


def tf2_shape_cases(tf, x, size):
    """The same forms of `size` for TF2's tf.image.resize."""
    return {
        "list": tf.image.resize(x, [7, 9]),
        "tensor": tf.image.resize(x, size),
        "shape_slice": tf.image.resize(x, tf.shape(x)[1:3]),
        "mixed_list": tf.image.resize(x, [tf.shape(x)[1] * 2, 5], method="nearest"),
        "aspect": tf.image.resize(x, [6, 6], preserve_aspect_ratio=True),
        "aspect_tensor": tf.image.resize(x, size, preserve_aspect_ratio=True),
    }


def dims(shape):
    """A static shape as a list: -1 for an unknown dimension, [-2] for an unknown rank."""
    if shape.rank is None:
        return [-2]
    return [-1 if d is None else d for d in shape.as_list()]
