"""Gradient-check samples for the CTC loss (ndflow/ops/ctc_ops.py): repeated labels (which
need a blank between them), an empty labelling, shorter examples, another blank index, and
TF1's simplified topology (ctc_merge_repeated=False)."""
import numpy as np

import ndflow as tf
from ndflow.ops.ctc_ops import ctc_loss_v1

from .spec import Sample

_LABELS = np.array([[1, 2, 2], [3, 0, 0], [1, 3, 1]], np.int32)

SAMPLES = [
    Sample("CTCLoss", lambda x: tf.nn.ctc_loss(_LABELS, x, [3, 1, 3], [6, 4, 5]),
           shapes=[(6, 3, 5)]),
    Sample("CTCLoss", lambda x: tf.nn.ctc_loss([[2, 2], [0, 0]], x, [2, 0], [5, 3],
                                               blank_index=-1), shapes=[(5, 2, 4)]),
    Sample("CTCLoss", lambda x: tf.nn.ctc_loss(_LABELS[:2], x, [3, 1], [6, 6],
                                               logits_time_major=False), shapes=[(2, 6, 5)]),
    Sample("CTCLoss", lambda x: ctc_loss_v1(tf.sparse.from_dense(_LABELS), x, [6, 4, 5],
                                            ctc_merge_repeated=False), shapes=[(6, 3, 5)]),
]
