"""tf.compat.v2 is ndflow itself."""
from ndflow import *  # noqa: F401,F403
