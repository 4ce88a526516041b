"""keras.layers.experimental (tf.keras 2.3-2.5): its `preprocessing` submodule holds the
preprocessing layers that later moved to keras.layers (Rescaling, Normalization,
RandomFlip, TextVectorization, ...); the same classes as keras.layers'."""
from .. import _keras2_paths
from . import preprocessing  # noqa: F401

_keras2_paths.install(globals(), "experimental")
