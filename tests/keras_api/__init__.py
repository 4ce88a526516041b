"""Tests of ndflow.keras (the real components: a broken import fails these tests)."""
