"""W1 per-step CPU time on a shared machine: each step timed on its own, low percentiles.

    python -m benchmarks.bench_engine_min [tape|function|session] [--steps N]

Runs W1 of benchmarks/tf_workloads.py and notes the process CPU clock once per step (at each
GradientTape made, tf.function called or Session.run), then prints the 10th, 25th and 50th
percentiles of the per-step CPU microseconds: other processes' interruptions land in the top
of the distribution, so the low percentiles are the steadiest A/B measure when the machine
is shared. Use OPENBLAS_NUM_THREADS=1.
"""
import sys
import time
import types

import numpy as np

import ndflow as tf
import ndflow.compat.v1 as v1
from benchmarks import common as C
from benchmarks import tf_workloads

marks = []
clock = time.process_time


def proxied(module, **overrides):
    proxy = types.SimpleNamespace(**{k: getattr(module, k) for k in dir(module)
                                     if not k.startswith("__")})
    for k, v in overrides.items():
        setattr(proxy, k, v)
    return proxy


class Tape(tf.GradientTape):
    def __init__(self, *a, **k):
        marks.append(clock())
        super().__init__(*a, **k)


def function(fn, *a, **k):
    f = tf.function(fn, *a, **k)

    def call(*args):
        marks.append(clock())
        return f(*args)
    return call


class Session(v1.Session):
    def run(self, *a, **k):
        marks.append(clock())
        return super().run(*a, **k)


def main():
    variant = sys.argv[1] if len(sys.argv) > 1 else "function"
    steps = int(sys.argv[sys.argv.index("--steps") + 1]) if "--steps" in sys.argv else 6000
    C.n_steps = lambda quick, full: steps
    ptf = proxied(tf, GradientTape=Tape, function=function)
    pv1 = proxied(v1, Session=Session)
    run = tf_workloads.build(ptf, lambda: tf.keras, None, pv1)
    run("W1", variant, False, None)
    per = np.diff(np.array(marks[-steps:])) * 1e6
    p10, p25, p50 = np.percentile(per, [10, 25, 50])
    print(f"W1 {variant}: p10 {p10:.1f} p25 {p25:.1f} p50 {p50:.1f} mean {per.mean():.1f} "
          "us/step CPU")


if __name__ == "__main__":
    main()
