"""Side-by-side benchmarks of ndflow against PyTorch, TensorFlow/Keras, JAX and NumPy.

Run `python -m benchmarks.run --help`. Never part of the test run (see tests/test_benchmarks_quick.py
for the smoke test CI runs).
"""
