"""ndflow.examples: what TensorFlow 1 shipped as `tensorflow.examples` for its tutorials."""
