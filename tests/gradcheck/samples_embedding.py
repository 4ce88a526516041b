"""Gradient-check samples for the row lookups of ndflow/ops/embedding_ops.py (GatherRows,
whose gradient is a compiled scatter-add of rows, and that gradient op itself); repeated
ids check that their gradients accumulate."""

from ndflow.framework.registry import execute
from ndflow.ops import embedding_ops as E

from .spec import Sample
from .samples_core import const

SAMPLES = [
    Sample("GatherRows", lambda x: E.gather_rows(x, const([[2, 0], [2, 2]])), shapes=[(3, 4)],
           second_order=True),
    Sample("GatherRows", lambda x: E.gather_rows(x, const([1, 1, 0])), shapes=[(2, 3, 2)]),
    Sample("GatherRowsGrad",
           lambda g, x: execute(E.GATHER_ROWS_GRAD, (g, x, const([1, 1, 0])), {}),
           shapes=[(3, 2), (2, 2)], second_order=True),
]
