"""Candidate sampling: log-uniform and uniform candidate samplers, and the sampled losses
built on them (tf.nn.sampled_softmax_loss, tf.nn.nce_loss).

A sampled loss scores each example's true classes and `num_sampled` shared negative
classes drawn by a sampler, corrects the logits by the log of each class's expected count
(so the estimate is unbiased), and takes a softmax (or, for NCE, a logistic) loss over
those few classes instead of all `num_classes`.
"""
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.random_seed import eager_seeds, graph_seeds
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import math_ops as M
from .array_ops import (cast, convert_to_tensor, expand_dims, ones_like, reshape, stop_gradient,
                        zeros_like)
from .indexing_ops import gather
from .join_ops import concat
from .linalg_ops import matmul
from .nn_ops import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _sampler_infer(ts, attrs):
    n = attrs["num_sampled"]
    return [(TensorShape([n]), dtypes.int64), (ts[0].shape, dtypes.float32),
            (TensorShape([n]), dtypes.float32)]


def _probability(classes, distribution, range_max):
    classes = np.asarray(classes, np.float64)
    if distribution == "log_uniform":
        return (np.log(classes + 2.0) - np.log(classes + 1.0)) / math.log(range_max + 1.0)
    return np.full(classes.shape, 1.0 / range_max)


@op("CandidateSampler", needs_rng=True, multi_output=True, differentiable=False, host=True,
    infer=_sampler_infer)
def CANDIDATE_SAMPLER(xp, rng, true_classes, num_sampled, unique, range_max, distribution,
                      seed, seeds=None):
    if unique and num_sampled > range_max:
        raise InvalidArgumentError(f"candidate sampler: num_sampled ({num_sampled}) cannot "
                                   f"exceed range_max ({range_max}) when unique=True.")

    def draw(n):
        u = rng.random(n)
        if distribution == "log_uniform":
            return (np.exp(u * math.log(range_max + 1.0)).astype(np.int64) - 1) % range_max
        return np.minimum((u * range_max).astype(np.int64), range_max - 1)
    if unique:
        picked, seen, tries = [], set(), 0
        while len(picked) < num_sampled:
            for c in draw(num_sampled).tolist():
                tries += 1
                if c not in seen:
                    seen.add(c)
                    picked.append(c)
                    if len(picked) == num_sampled:
                        break
        sampled = np.asarray(picked, np.int64)

        def expected(classes):  # P(drawn at least once in `tries` draws)
            return -np.expm1(tries * np.log1p(-_probability(classes, distribution, range_max)))
    else:
        sampled = draw(num_sampled)

        def expected(classes):
            return _probability(classes, distribution, range_max) * num_sampled
    return [sampled, expected(true_classes).astype(np.float32),
            expected(sampled).astype(np.float32)]


def _candidate_sampler(distribution, true_classes, num_true, num_sampled, unique, range_max,
                       seed, name):
    true_classes = convert_to_tensor(true_classes)
    if not true_classes.dtype.is_integer:
        raise TypeError(f"candidate sampler: true_classes must be int64, got "
                        f"{true_classes.dtype.name}.")
    if true_classes.shape.rank is not None and (true_classes.shape.rank != 2 or (
            true_classes.shape[1] is not None and int(true_classes.shape[1]) != num_true)):
        raise ValueError(f"candidate sampler: true_classes must have shape [batch, num_true="
                         f"{num_true}], got {true_classes.shape}.")
    if int(range_max) <= 0 or int(num_sampled) <= 0:
        raise ValueError(f"candidate sampler: range_max ({range_max}) and num_sampled "
                         f"({num_sampled}) must be positive.")
    attrs = {"num_sampled": int(num_sampled), "unique": bool(unique),
             "range_max": int(range_max), "distribution": distribution,
             "seed": None if seed is None else int(seed)}
    g = graph_for_building()
    attrs["seeds"] = graph_seeds(g, attrs["seed"]) if g is not None else eager_seeds(
        attrs["seed"])
    return tuple(execute(CANDIDATE_SAMPLER, (cast(true_classes, dtypes.int64),), attrs, name))


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Samples `num_sampled` classes with P(c) = log((c + 2) / (c + 1)) / log(range_max + 1)
    (Zipf-like: small ids, frequent words, are likelier).

    Returns:
      (sampled_candidates [num_sampled] int64, true_expected_count [batch, num_true],
      sampled_expected_count [num_sampled]): the expected number of times each class is
      drawn (for unique=True, the chance of drawing it in the draws the sampler made).
    """
    return _candidate_sampler("log_uniform", true_classes, num_true, num_sampled, unique,
                              range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """Samples `num_sampled` classes uniformly from [0, range_max); returns as
    log_uniform_candidate_sampler does."""
    return _candidate_sampler("uniform", true_classes, num_true, num_sampled, unique,
                              range_max, seed, name)


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                    sampled_values, subtract_log_q, remove_accidental_hits, seed):
    if isinstance(weights, (list, tuple)):
        weights = concat(list(weights), 0) if len(weights) > 1 else weights[0]
    weights, biases = convert_to_tensor(weights), convert_to_tensor(biases)
    inputs = convert_to_tensor(inputs)
    labels = cast(convert_to_tensor(labels), dtypes.int64)
    if labels.shape.rank == 1:
        labels = expand_dims(labels, -1)
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True,
                                                       num_classes, seed)
    sampled, true_expected, sampled_expected = (stop_gradient(convert_to_tensor(v))
                                                for v in sampled_values)
    sampled = cast(sampled, dtypes.int64)
    labels_flat = reshape(labels, [-1])
    dim = weights.shape[1] if weights.shape.rank == 2 else None
    true_w = reshape(gather(weights, labels_flat), [-1, num_true, -1 if dim is None else
                                                    int(dim)])
    true_b = reshape(gather(biases, labels_flat), [-1, num_true])
    true_logits = M.reduce_sum(expand_dims(inputs, 1) * true_w, axis=2) + true_b
    sampled_logits = matmul(inputs, gather(weights, sampled), transpose_b=True) + \
        gather(biases, sampled)
    if remove_accidental_hits:
        hits = M.reduce_any(M.equal(expand_dims(labels, 2), reshape(sampled, [1, 1, -1])),
                            axis=1)
        sampled_logits = sampled_logits + cast(hits, sampled_logits.dtype) * -_FLOAT32_MAX
    if subtract_log_q:
        true_logits = true_logits - M.log(cast(true_expected, true_logits.dtype))
        sampled_logits = sampled_logits - M.log(cast(sampled_expected, sampled_logits.dtype))
    logits = concat([true_logits, sampled_logits], 1)
    targets = concat([ones_like(true_logits) / float(num_true), zeros_like(sampled_logits)], 1)
    return logits, stop_gradient(targets)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """A softmax loss over each example's true classes and `num_sampled` sampled ones.

    Args:
      weights: [num_classes, dim] class embeddings (or a list of shards along axis 0).
      biases: [num_classes] class biases.
      labels: int64 [batch, num_true] true classes.
      inputs: [batch, dim] activations.
      sampled_values: optional (sampled, true_expected_count, sampled_expected_count),
        by default from log_uniform_candidate_sampler(unique=True).
      remove_accidental_hits: drop sampled classes that are an example's true class.

    Returns:
      The per-example loss, shape [batch].
    """
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                      num_classes, num_true, sampled_values, True,
                                      remove_accidental_hits, seed)
    return softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits)


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss", seed=None):
    """Noise-contrastive estimation: a logistic loss telling the true classes from the
    sampled ones (arguments as sampled_softmax_loss). Returns the per-example loss [batch]."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled,
                                      num_classes, num_true, sampled_values, True,
                                      remove_accidental_hits, seed)
    losses = sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)
    return M.reduce_sum(losses, axis=1)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"sampled_softmax_loss": sampled_softmax_loss, "nce_loss": nce_loss})
export_many("random", {"log_uniform_candidate_sampler": log_uniform_candidate_sampler,
                       "uniform_candidate_sampler": uniform_candidate_sampler})
export_many("v1.nn", {"log_uniform_candidate_sampler": log_uniform_candidate_sampler,
                      "uniform_candidate_sampler": uniform_candidate_sampler})
