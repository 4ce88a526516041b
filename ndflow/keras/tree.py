"""keras.tree: nested-structure utilities (the same rules as tf.nest)."""
from ..util.nest import (assert_same_structure, flatten, is_nested,  # noqa: F401
                         map_structure, pack_sequence_as)
