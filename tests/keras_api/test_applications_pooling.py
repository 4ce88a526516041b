"""keras.applications models as feature extractors at a small input size:
`include_top=False, pooling="avg", input_shape=(96, 96, 3)` builds and runs (Keras 3's
feature widths). One model per builder runs here (VGG19, ResNet101/152(V2) and
DenseNet169/201 are deeper stacks of the same blocks; together they would add ~14 s)."""
import numpy as np
import pytest

from ndflow.keras import applications as apps

WIDTHS = {
    "VGG16": 512, "VGG19": 512, "ResNet50": 2048, "ResNet101": 2048, "ResNet152": 2048,
    "ResNet50V2": 2048, "ResNet101V2": 2048, "ResNet152V2": 2048, "InceptionV3": 2048,
    "DenseNet121": 1024, "DenseNet169": 1664, "DenseNet201": 1920, "MobileNet": 1024,
    "MobileNetV2": 1280, "EfficientNetB0": 1280, "Xception": 2048,
}


def test_every_application_is_listed():
    assert set(WIDTHS) == {n for n in apps.__all__ if n[0].isupper()}


DEEPER_VARIANTS = {"VGG19", "ResNet101", "ResNet152", "ResNet101V2", "ResNet152V2",
                   "DenseNet169", "DenseNet201"}


@pytest.mark.parametrize("name", sorted(set(WIDTHS) - DEEPER_VARIANTS))
def test_feature_extractor_at_96_pixels(name):
    model = getattr(apps, name)(weights=None, include_top=False, pooling="avg",
                                input_shape=(96, 96, 3))
    assert model.output_shape == (None, WIDTHS[name])
    x = np.random.default_rng(0).uniform(0, 255, (1, 96, 96, 3)).astype(np.float32)
    features = model(x, training=False).numpy()
    assert features.shape == (1, WIDTHS[name]) and features.dtype == np.float32
    assert np.isfinite(features).all() and features.std() > 0
