"""Ragged-tensor cases that TensorFlow and ndflow both run (see tests/strings/tf_cases.py
for how they become tests/fixtures/tf_ragged.json). Each case is a function of `tf`."""
import math

DATA = [[1.5, -2.0, 3.0], [], [4.0], [0.5, 6.0]]
INTS = [[1, 2], [3], [], [4, 5, 6]]
NESTED = [[[1, 2], [3]], [], [[4, 5, 6], [], [7]]]


def cases(tf):
    rc = tf.ragged.constant
    RT = tf.RaggedTensor
    x = lambda: rc(DATA)  # noqa: E731
    out = {}
    for fn in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
        for axis in (None, 0, 1, -1):
            out[f"{fn}_axis{axis}"] = (lambda fn=fn, axis=axis: getattr(tf, fn)(x(), axis=axis))
    out.update({
        "reduce_sum_int": lambda: tf.reduce_sum(rc(INTS), axis=1),
        "reduce_mean_int_axis1": lambda: tf.reduce_mean(rc(INTS), axis=1),
        "reduce_mean_int_none": lambda: tf.reduce_mean(rc(INTS)),
        "reduce_max_int_axis1": lambda: tf.reduce_max(rc(INTS), axis=1),
        "reduce_mean_keepdims": lambda: tf.reduce_mean(rc(DATA), axis=1, keepdims=True),
        "reduce_any": lambda: tf.reduce_any(rc([[True, False], [], [False]]), axis=1),
        "reduce_all": lambda: tf.reduce_all(rc([[True, False], [], [True]]), axis=1),
        "reduce_nested_axis2": lambda: tf.reduce_sum(rc(NESTED), axis=2),
        "reduce_nested_none": lambda: tf.reduce_sum(rc(NESTED)),
        "reduce_nested_axis1": lambda: tf.reduce_sum(rc(NESTED), axis=1),
        "reduce_nested_axis1_max": lambda: tf.reduce_max(rc(NESTED, dtype=tf.float32), axis=1),
        "reduce_nested_axis1_mean": lambda: tf.reduce_mean(rc(NESTED, dtype=tf.float32),
                                                           axis=1),
        "reduce_nested_axis0": lambda: tf.reduce_sum(rc(NESTED), axis=0),
        "reduce_nested_axes01": lambda: tf.reduce_sum(rc(NESTED), axis=[0, 1]),
        "reduce_inner_dense": lambda: tf.reduce_sum(rc([[[1, 2], [3, 4]], [[5, 6]]],
                                                       ragged_rank=1), axis=2),
        "to_tensor": lambda: rc(INTS).to_tensor(),
        "to_tensor_default": lambda: rc(INTS).to_tensor(default_value=-1),
        "to_tensor_shape": lambda: rc(INTS).to_tensor(shape=[3, 2]),
        "to_tensor_shape_big": lambda: rc(INTS).to_tensor(shape=[5, 4]),
        "to_tensor_nested": lambda: rc(NESTED).to_tensor(),
        "to_tensor_inner": lambda: rc([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1).to_tensor(),
        "row_lengths": lambda: rc(INTS).row_lengths(),
        "row_splits": lambda: rc(INTS).row_splits,
        "value_rowids": lambda: rc(INTS).value_rowids(),
        "nrows": lambda: rc(INTS).nrows(),
        "bounding_shape": lambda: rc(NESTED).bounding_shape(),
        "nested_row_lengths": lambda: rc(NESTED).nested_row_lengths(),
        "flat_values_nested": lambda: rc(NESTED).flat_values,
        "merge_dims_01": lambda: rc(NESTED).merge_dims(0, 1),
        "merge_dims_12": lambda: rc(NESTED).merge_dims(1, 2),
        "merge_dims_all": lambda: rc(NESTED).merge_dims(0, 2),
        "from_row_splits": lambda: RT.from_row_splits([1, 2, 3, 4], [0, 2, 2, 4]),
        "from_row_lengths": lambda: RT.from_row_lengths([1, 2, 3, 4], [1, 0, 3]),
        "from_value_rowids": lambda: RT.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4),
        "from_row_starts": lambda: RT.from_row_starts([1, 2, 3, 4], [0, 1, 1]),
        "from_row_limits": lambda: RT.from_row_limits([1, 2, 3, 4], [1, 1, 4]),
        "from_uniform": lambda: RT.from_uniform_row_length([1, 2, 3, 4, 5, 6], 2),
        "from_tensor": lambda: RT.from_tensor([[1, 2, 0], [3, 0, 0]]),
        "from_tensor_lengths": lambda: RT.from_tensor([[1, 2, 0], [3, 0, 0]], lengths=[1, 3]),
        "from_tensor_padding": lambda: RT.from_tensor([[1, 2, 0], [3, 0, 0], [0, 0, 0]],
                                                      padding=0),
        "from_tensor_rank2": lambda: RT.from_tensor(tf.reshape(tf.range(8), [2, 2, 2]),
                                                    ragged_rank=2),
        "from_nested_row_splits": lambda: RT.from_nested_row_splits(
            [1, 2, 3, 4, 5], [[0, 2, 3], [0, 1, 3, 5]]),
        "from_nested_row_lengths": lambda: RT.from_nested_row_lengths(
            [1, 2, 3, 4], [[2, 1], [1, 1, 2]]),
        "constant_inner_shape": lambda: rc([[[1, 2], [3, 4]], [[5, 6]]], inner_shape=(2,)),
        "bad_constant_inner_shape": lambda: rc([[1, 2, 3, 4], [5, 6]], inner_shape=(2,)),
        "bad_constant_depth": lambda: rc([[1, 2], 3]),
        "constant_ragged_rank1": lambda: rc([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1),
        "constant_strings": lambda: rc([["a", "bé"], []]),
        "constant_empty": lambda: rc([[], []]),
        "add_scalar": lambda: rc(DATA) + 1.0,
        "mul_same": lambda: rc(DATA) * rc(DATA),
        "sub_dense_rows": lambda: rc(DATA) - tf.constant([[1.0], [2.0], [3.0], [4.0]]),
        "div_scalar": lambda: rc(DATA) / 2.0,
        "math_sqrt_abs": lambda: tf.math.sqrt(tf.abs(rc(DATA))),
        "math_maximum": lambda: tf.maximum(rc(DATA), 1.0),
        "math_exp": lambda: tf.exp(rc(DATA)),
        "compare": lambda: rc(DATA) > 1.0,
        "neg": lambda: -rc(DATA),
        "cast": lambda: tf.cast(rc(INTS), tf.float32),
        "map_flat_values": lambda: tf.ragged.map_flat_values(tf.square, rc(INTS)),
        "map_flat_values_2": lambda: tf.ragged.map_flat_values(tf.add, rc(INTS), rc(INTS)),
        "boolean_mask_values": lambda: tf.ragged.boolean_mask(rc(INTS), rc(INTS) > 1),
        "boolean_mask_rows": lambda: tf.ragged.boolean_mask(rc(INTS), [True, False, True, True]),
        "boolean_mask_dense": lambda: tf.ragged.boolean_mask([[1, 2, 3], [4, 5, 6]],
                                                             [[True, False, True],
                                                              [False, False, True]]),
        "stack_0": lambda: tf.ragged.stack([rc(INTS), rc([[7], [8, 9]])]),
        "stack_1": lambda: tf.ragged.stack([rc(INTS), rc([[7], [8, 9], [], [1]])], axis=1),
        "stack_dense": lambda: tf.ragged.stack([tf.constant([1, 2]), tf.constant([3])]),
        "range": lambda: tf.ragged.range([3, 0, 5]),
        "range_args": lambda: tf.ragged.range([0, 5, 8], [3, 3, 12], [1, -1, 2]),
        "range_float": lambda: tf.ragged.range([0.0, 1.0], [1.0, 2.0], 0.5),
        "concat_0": lambda: tf.concat([rc(INTS), rc([[7], [8, 9]])], axis=0),
        "concat_1": lambda: tf.concat([rc(INTS), rc([[7], [8, 9], [], [1]])], axis=1),
        "gather": lambda: tf.gather(rc(INTS), [3, 0, 3]),
        "gather_nested": lambda: tf.gather(rc(NESTED), [2, 0]),
        "getitem_row": lambda: rc(INTS)[3],
        "getitem_neg_row": lambda: rc(INTS)[-1],
        "getitem_rows": lambda: rc(INTS)[1:3],
        "getitem_step": lambda: rc(INTS)[::2],
        "getitem_inner_slice": lambda: rc(INTS)[:, :2],
        "getitem_inner_slice_neg": lambda: rc(INTS)[:, -1:],
        "getitem_elem": lambda: rc(INTS)[3, 1],
        "bad_getitem_col": lambda: rc([[1, 2], [3, 4, 5]])[:, 0],
        "getitem_nested": lambda: rc(NESTED)[2, 0],
        "getitem_nested_slice": lambda: rc(NESTED)[:, 1:],
        **{f"repr_{i}": (lambda v=v: repr(rc(v))) for i, v in enumerate([
            [[1, 2], [3]], [[], []], [[1], [2]], [[[1], []], [[3], [4]]], NESTED, INTS,
            [[0.5, 1.25, -3.0], []], [["ab", "c"], []], [list(range(30)), [1]]])},
        "repr_math": lambda: repr(tf.ragged.constant([[1.0, 2.0], [3.0]]) / 3.0),
        "bad_splits_start": lambda: RT.from_row_splits([1, 2, 3], [1, 2, 3]),
        "bad_splits_order": lambda: RT.from_row_splits([1, 2, 3], [0, 2, 1, 3]),
        "bad_splits_last": lambda: RT.from_row_splits([1, 2, 3], [0, 2, 4]),
        "bad_add_splits": lambda: rc([[1, 2], [3]]) + rc([[1], [2, 3]]),
        "bad_gather_index": lambda: tf.gather(rc(INTS), [4]),
        "bad_getitem_row": lambda: rc(INTS)[4],
        "bad_ragged_rank_add": lambda: rc(NESTED) + rc(INTS),
    })
    return out


def encode(value):
    """A JSON-able form of a case's result (TensorFlow's or ndflow's)."""
    if isinstance(value, str):  # printed text
        return {"text": value}
    if hasattr(value, "to_list") and hasattr(value, "flat_values"):
        return {"ragged": _plain(value.to_list()), "dtype": value.dtype.name}
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode(v) for v in value]}
    arr = value.numpy()
    if hasattr(arr, "tolist"):
        arr = arr.tolist()
    return {"dtype": value.dtype.name, "value": _plain(arr)}


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, bytes):
        return {"b": v.hex()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return {"f": repr(v)}
    return v
