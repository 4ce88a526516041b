"""Gradient-check samples for tf.linalg's matrix functions (ndflow/ops/linalg_matrix_ops.py).
Inputs are kept well conditioned (a multiple of the identity added); the symmetric
decompositions get symmetric positive-definite inputs built from x, and eigenvectors enter
the loss squared (their sign is arbitrary)."""
import numpy as np

import ndflow as tf

from .spec import Sample


def _well(x):  # 3x3 inputs
    return x + 3.0 * np.eye(3)


def _spd(x):
    return tf.matmul(x, x, transpose_b=True) + 2.0 * np.eye(3)


_SPREAD = np.array([[[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, -1.0]]])

SAMPLES = [
    Sample("MatrixInverse", lambda x: tf.linalg.inv(_well(x)), shapes=[(2, 3, 3)]),
    Sample("MatrixInverse", lambda x: tf.linalg.inv(_well(x), adjoint=True), shapes=[(3, 3)]),
    Sample("MatrixDeterminant", lambda x: tf.linalg.det(_well(x)), shapes=[(2, 3, 3)]),
    Sample("LogMatrixDeterminant", lambda x: tf.linalg.slogdet(_well(x))[1], shapes=[(3, 3)]),
    Sample("MatrixSolve", lambda a, b: tf.linalg.solve(_well(a), b), shapes=[(2, 3, 3),
                                                                              (2, 3, 2)]),
    Sample("MatrixSolve", lambda a, b: tf.linalg.solve(_well(a), b, adjoint=True),
           shapes=[(3, 3), (3, 1)]),
    Sample("MatrixTriangularSolve", lambda a, b: tf.linalg.triangular_solve(_well(a), b),
           shapes=[(2, 3, 3), (2, 3, 2)]),
    Sample("MatrixTriangularSolve", lambda a, b: tf.linalg.triangular_solve(
        _well(a), b, lower=False, adjoint=True), shapes=[(3, 3), (3, 2)]),
    Sample("Cholesky", lambda x: tf.linalg.cholesky(_spd(x)), shapes=[(2, 3, 3)]),
    Sample("SelfAdjointEigV2", lambda x: tf.linalg.eigh(x + _SPREAD)[0], shapes=[(1, 3, 3)],
           low=-0.1, high=0.1),
    Sample("SelfAdjointEigV2", lambda x: tf.linalg.eigh(x + _SPREAD)[1] ** 2,
           shapes=[(1, 3, 3)], low=-0.1, high=0.1),
    Sample("Svd", lambda x: tf.linalg.svd(x + np.diag([3.0, 2.0, 1.0]), compute_uv=False),
           shapes=[(2, 3, 3)], low=-0.2, high=0.2),
    Sample("Svd", lambda x: tf.linalg.svd(x + np.eye(4, 3) * [3.0, 2.0, 1.0],
                                          full_matrices=True)[0],
           shapes=[(4, 3)], low=-0.2, high=0.2),
    Sample("MatrixDiag", lambda d: tf.linalg.diag(d), shapes=[(2, 3)]),
    Sample("MatrixDiagPart", lambda x: tf.linalg.diag_part(x), shapes=[(2, 3, 4)]),
    Sample("MatrixSetDiag", lambda x, d: tf.linalg.set_diag(x, d), shapes=[(2, 3, 4), (2, 3)]),
]
