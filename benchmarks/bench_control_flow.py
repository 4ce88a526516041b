"""while_loop inside tf.function: milliseconds per 1,000 iterations of a scalar body
(target: under 50). Run: python -m benchmarks.bench_control_flow"""
import time

import ndflow as tf


@tf.function
def count(n):
    return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + 0.5), (0, 0.0))


def main(iterations=10000, repeats=5):
    n = tf.constant(iterations)
    count(n)  # trace and compile once
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        count(n)
        best = min(best, time.perf_counter() - start)
    print(f"while_loop: {iterations} iterations in {best * 1e3:.1f} ms "
          f"({best * 1e3 * 1000 / iterations:.1f} ms per 1,000 iterations)")


if __name__ == "__main__":
    main()
