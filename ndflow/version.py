"""ndflow's versions: its own release, and the TensorFlow / Keras API levels it implements.

Programs check `tf.__version__` against a minimum TensorFlow version
(`version.parse(tf.__version__) >= version.parse("2.8.0")`) or test
`tf.__version__.startswith("2.")`. ndflow answers with the TensorFlow API level it
implements, carrying its own release as a PEP 440 local label: "2.16.0+ndflow.0.1.0"
compares as TensorFlow 2.16.0 and still says it is not TensorFlow. `ndflow.version.VERSION`
(and `__version__` here) keep ndflow's own release, the one pyproject.toml declares.
"""
VERSION = "0.1.0"
__version__ = VERSION

# The API levels ndflow implements: TensorFlow 2.16 (the first TensorFlow whose tf.keras is
# Keras 3, as ndflow's is; compat.v1 follows TensorFlow 1.15) and Keras 3.
TF_API_VERSION = "2.16.0"
KERAS_API_VERSION = "3.0.0"

TF_VERSION = f"{TF_API_VERSION}+ndflow.{VERSION}"
KERAS_VERSION = f"{KERAS_API_VERSION}+ndflow.{VERSION}"

# TensorFlow's build facts that programs print: what `tf.version.GIT_VERSION` etc. hold.
GIT_VERSION = f"ndflow-{VERSION}"
COMPILER_VERSION = "ndflow (pure Python on NumPy)"
GRAPH_DEF_VERSION = 1987
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
