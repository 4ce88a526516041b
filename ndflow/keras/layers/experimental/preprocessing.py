"""keras.layers.experimental.preprocessing (tf.keras 2.3-2.5): the preprocessing layers under
their old path, e.g. `preprocessing.Rescaling(1./255)`; the same classes as keras.layers'."""
from .. import _keras2_paths

_keras2_paths.install(globals(), "experimental.preprocessing")
