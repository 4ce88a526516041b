"""Writes tests/fixtures/tf_linalg.npz: TensorFlow's values and gradients for tf.linalg's
matrix functions on seeded inputs (tests/test_linalg_matrix_ops.py computes the same cases
with ndflow through `results` below and compares).

    /work/tfref/bin/python tools/make_tf_linalg_fixtures.py
SVD and QR are compared through sign-free quantities (reconstructions, |R|), since LAPACK
and Eigen may choose opposite signs for a singular or orthogonal vector.
"""
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def results(tf):
    """The cases' values and gradients (of a seeded random weighting of each result) under
    the TensorFlow-like module `tf`."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 3)).astype(np.float32)
    spd = (a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)).astype(np.float32)
    b = rng.standard_normal((2, 3, 2)).astype(np.float32)
    r = rng.standard_normal((4, 3)).astype(np.float32)
    x, s, bb, rect = tf.constant(a), tf.constant(spd), tf.constant(b), tf.constant(r)
    la = tf.linalg
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, s, bb])
        res = {
            "inv": la.inv(x), "inv_adj": la.inv(x, adjoint=True), "det": la.det(x),
            "slogdet": la.slogdet(x)[1], "sign": la.slogdet(x)[0],
            "solve": la.solve(x, bb), "solve_adj": la.solve(x, bb, adjoint=True),
            "tri": la.triangular_solve(x, bb),
            "tri_up_adj": la.triangular_solve(x, bb, lower=False, adjoint=True),
            "chol": la.cholesky(s), "eigvals": la.eigh(s)[0], "eigvec_sq": la.eigh(s)[1] ** 2,
            "svd_s": la.svd(x, compute_uv=False), "diag": la.diag(bb[..., 0]),
            "diag_part": la.diag_part(x), "set_diag": la.set_diag(x, bb[..., 0]),
            "trace": la.trace(x), "logdet": la.logdet(s),
            "chol_solve": la.cholesky_solve(la.cholesky(s), bb),
            "lstsq": la.lstsq(rect, tf.constant(r[:, :2] * 2 + 1)),
            "lstsq_l2": la.lstsq(rect, tf.constant(r[:, :2]), l2_regularizer=0.5),
            "matvec": la.matvec(x, bb[..., 0]),
        }
        weights = {k: tf.constant(rng.standard_normal(v.shape).astype(np.float32))
                   for k, v in sorted(res.items())}
        losses = {k: tf.reduce_sum(v * weights[k]) for k, v in res.items() if k != "sign"}
    out = {k: v.numpy() for k, v in res.items()}
    for k, loss in losses.items():
        for name, g in zip("xsb", tape.gradient(loss, [x, s, bb])):
            if g is not None:
                out[f"grad_{k}_{name}"] = g.numpy()
    out["pinv"] = la.pinv(rect).numpy()
    q, upper = la.qr(rect)
    out["qr_r_abs"], out["qr_recon"] = np.abs(upper.numpy()), (q @ upper).numpy()
    sv, u, v = la.svd(rect)
    out["svd_recon"] = (u * sv[None]).numpy() @ v.numpy().T
    return out


def main():
    import tensorflow as tf
    path = os.path.join(ROOT, "tests", "fixtures", "tf_linalg.npz")
    np.savez_compressed(path + ".tmp.npz", **results(tf))
    os.replace(path + ".tmp.npz", path)


if __name__ == "__main__":
    main()
