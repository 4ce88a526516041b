"""ndflow.examples.tutorials: helpers the TensorFlow 1 tutorials import."""
