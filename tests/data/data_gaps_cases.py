"""Cases defined once for tests/data/test_data_gaps.py (on ndflow) and
tools/make_data_gaps_fixtures.py (on TensorFlow)."""
import numpy as np

# Dataset.map functions returning Python / NumPy values (TF converts them to tensors)
MAP_FUNCS = {
    "string_and_int": lambda r: (r, 0),
    "float": lambda r: 1.5,
    "bool": lambda r: True,
    "str": lambda r: "x",
    "np_float64": lambda r: np.float64(2.0),
    "list_top": lambda r: [r, 1],
    "nested_list": lambda r: (r, [1, 2]),
    "dict": lambda r: {"a": r, "b": 3},
}
