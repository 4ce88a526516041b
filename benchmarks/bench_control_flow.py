"""while_loop inside tf.function: milliseconds per 1,000 iterations of a scalar body
(target: under 50), and TensorArray writes (one per step, eagerly and in a tf.function loop):
microseconds per write at n and 4n writes, which stay about equal when a write is O(1).

    python -m benchmarks.bench_control_flow [--quick]
"""
import argparse
import time

import ndflow as tf


@tf.function
def count(n):
    return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + 0.5), (0, 0.0))


def _best(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def while_loop(iterations, repeats):
    n = tf.constant(iterations)
    count(n)  # trace and compile once
    best = _best(lambda: count(n), repeats)
    print(f"while_loop: {iterations} iterations in {best * 1e3:.1f} ms "
          f"({best * 1e3 * 1000 / iterations:.1f} ms per 1,000 iterations)")


def _eager_writes(n):
    ta = tf.TensorArray(tf.float32, size=n)
    x = tf.constant([1.0, 2.0])
    for i in range(n):
        ta = ta.write(i, x)
    return ta.stack()


@tf.function
def _loop_writes(n):
    ta = tf.TensorArray(tf.float32, size=n)
    for i in tf.range(n):
        ta = ta.write(i, tf.fill([2], tf.cast(i, tf.float32)))
    return ta.stack()


def tensor_array(writes, repeats):
    _loop_writes(tf.constant(3))  # trace once
    for name, run in (("eager", _eager_writes), ("tf.function", lambda n: _loop_writes(
            tf.constant(n)))):
        per_write = [_best(lambda: run(n), repeats) / n * 1e6 for n in (writes, 4 * writes)]
        ratio = per_write[1] / per_write[0]
        print(f"TensorArray writes, {name}: {per_write[0]:.1f} us/write at {writes}, "
              f"{per_write[1]:.1f} us/write at {4 * writes} (ratio {ratio:.2f})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    while_loop(2000 if args.quick else 10000, 2 if args.quick else 5)
    tensor_array(500 if args.quick else 2500, 1 if args.quick else 3)


if __name__ == "__main__":
    main()
