"""What a decoder feeds its cell at each step: TensorFlow 1's `tf.contrib.seq2seq` helpers
and TensorFlow Addons' samplers are the same objects here.

A sampler answers three questions: the first inputs and which examples are already done
(`initialize`), the id each step emits (`sample`), and the next inputs (`next_inputs`).
TF1's helpers take their data in the constructor (`TrainingHelper(inputs, lengths)`); the
Addons samplers take it in `initialize(inputs, sequence_length=...)`, which the Keras
`BasicDecoder` calls. Both store it with `_setup`, so one class serves both spellings.
"""
import ndflow


def _embedder(embedding):
    """`embedding` as a function of ids: a callable as is, else an embedding matrix."""
    if callable(embedding):
        return embedding
    params = ndflow.convert_to_tensor(embedding)
    return lambda ids: ndflow.gather(params, ids)


class Sampler:
    """Base class of the samplers (TF1: `Helper`): `initialize`, `sample`, `next_inputs`.

    Attributes:
      batch_size: The batch size (a tensor or an int), known once set up.
      sample_ids_shape: The shape of one example's sample id (`[]`).
      sample_ids_dtype: The dtype of the sample ids (`int32`).
    """

    sample_ids_dtype = ndflow.int32

    def __init__(self):
        self._first = None

    @property
    def sample_ids_shape(self):
        return ndflow.TensorShape([])

    @property
    def batch_size(self):
        if self._first is None:
            raise ValueError(f"{type(self).__name__}: batch_size is known once the sampler "
                             "is initialized.")
        return self._batch_size

    def initialize(self, *args, **kwargs):
        """Returns `(finished, first_inputs)`; with arguments (the Addons spelling), sets the
        sampler up on them first."""
        if args or kwargs:
            self._setup(*args, **kwargs)
        if self._first is None:
            raise ValueError(f"{type(self).__name__}.initialize needs its inputs. Received "
                             "no arguments.")
        return self._first

    def _setup(self, *args, **kwargs):
        raise NotImplementedError

    def sample(self, time, outputs, state):
        raise NotImplementedError

    def next_inputs(self, time, outputs, state, sample_ids):
        raise NotImplementedError


def _argmax(outputs):
    return ndflow.cast(ndflow.argmax(outputs, axis=-1), ndflow.int32)


class TrainingSampler(Sampler):
    """Teacher forcing: step `t` reads `inputs[:, t]` (the ground truth), whatever the
    decoder emitted; an example is finished after `sequence_length` steps.

    Args:
      time_major: Whether the inputs are `[time, batch, ...]` (default `[batch, time, ...]`).
    """

    def __init__(self, time_major=False):
        super().__init__()
        self._time_major = time_major

    def _setup(self, inputs, sequence_length=None, mask=None):
        x = ndflow.convert_to_tensor(inputs)
        if not self._time_major:
            x = ndflow.transpose(x, [1, 0] + list(range(2, x.shape.rank)))
        steps, batch = ndflow.shape(x)[0], ndflow.shape(x)[1]
        static_batch = x.shape.as_list()[1]
        self._batch_size = static_batch if static_batch is not None else batch
        if sequence_length is None and mask is not None:
            sequence_length = ndflow.reduce_sum(ndflow.cast(mask, ndflow.int32), axis=-1)
        if sequence_length is None:
            sequence_length = ndflow.fill(ndflow.reshape(batch, [1]), steps)
        self._lengths = ndflow.cast(sequence_length, ndflow.int32)
        self._last = steps - 1
        self._inputs_ta = ndflow.TensorArray(x.dtype, size=steps).unstack(x)
        self._first = (ndflow.less_equal(self._lengths, 0), self._read(0))

    def _read(self, t):
        # Past the end (every example done) the value is never used: read the last step.
        return self._inputs_ta.read(ndflow.minimum(t, ndflow.maximum(self._last, 0)))

    def sample(self, time, outputs, state):
        return _argmax(outputs)

    def next_inputs(self, time, outputs, state, sample_ids):
        t = time + 1
        return ndflow.greater_equal(t, self._lengths), self._read(t), state


class GreedyEmbeddingSampler(Sampler):
    """Greedy decoding: the next input is the embedding of the arg-max of the outputs; an
    example is finished once it emits `end_token`.

    Args:
      embedding_fn: Optional function of ids (the Addons spelling); else `embedding` is
        given to `initialize` (or, in TF1's `GreedyEmbeddingHelper`, to the constructor).
    """

    def __init__(self, embedding_fn=None):
        super().__init__()
        self._embedding_fn = embedding_fn

    def _setup(self, embedding=None, start_tokens=None, end_token=None):
        if start_tokens is None or end_token is None:
            raise ValueError(f"{type(self).__name__}: start_tokens and end_token are "
                             f"required. Received: {start_tokens!r}, {end_token!r}")
        self._embed = _embedder(embedding if self._embedding_fn is None
                                else self._embedding_fn)
        start = ndflow.cast(ndflow.convert_to_tensor(start_tokens), ndflow.int32)
        if start.shape.rank != 1:
            raise ValueError(f"start_tokens must be a vector. Received shape: {start.shape}")
        self._end_token = ndflow.cast(ndflow.convert_to_tensor(end_token), ndflow.int32)
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar. Received shape: "
                             f"{self._end_token.shape}")
        static = start.shape.as_list()[0]
        self._batch_size = static if static is not None else ndflow.shape(start)[0]
        self._first = (ndflow.zeros_like(start, dtype=ndflow.bool), self._embed(start))

    def sample(self, time, outputs, state):
        return _argmax(outputs)

    def next_inputs(self, time, outputs, state, sample_ids):
        return ndflow.equal(sample_ids, self._end_token), self._embed(sample_ids), state


class SampleEmbeddingSampler(GreedyEmbeddingSampler):
    """Like `GreedyEmbeddingSampler`, but the id is drawn from the categorical distribution
    of the outputs (logits, divided by `softmax_temperature` when given).

    Args:
      embedding_fn: As in `GreedyEmbeddingSampler`.
      softmax_temperature: Optional float > 0; above 1 flattens the distribution.
      seed: Optional sampling seed.
    """

    def __init__(self, embedding_fn=None, softmax_temperature=None, seed=None):
        super().__init__(embedding_fn)
        self._temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state):
        logits = outputs if self._temperature is None else outputs / self._temperature
        ids = ndflow.random.categorical(logits, 1, seed=self._seed)
        return ndflow.cast(ndflow.reshape(ids, [-1]), ndflow.int32)


def _batch_of(x):
    static = x.shape.as_list()[0]
    return static if static is not None else ndflow.shape(x)[0]


class ScheduledEmbeddingTrainingSampler(TrainingSampler):
    """Scheduled sampling (Bengio et al., 2015): each step, each example reads, with
    probability `sampling_probability`, the embedding of an id drawn from the outputs
    instead of the ground truth. The sample id of an example that read the ground truth
    is -1.

    Args:
      sampling_probability: float scalar in [0, 1].
      embedding_fn: Optional function of ids (else `embedding` is given to `initialize`).
      time_major: As in `TrainingSampler`.
      seed, scheduling_seed: Optional seeds of the drawn ids and of the choice to draw.
    """

    def __init__(self, sampling_probability, embedding_fn=None, time_major=False, seed=None,
                 scheduling_seed=None):
        super().__init__(time_major)
        self._probability = sampling_probability
        self._embedding_fn = embedding_fn
        self._seed, self._scheduling_seed = seed, scheduling_seed

    def _setup(self, inputs, sequence_length=None, mask=None, embedding=None):
        self._embed = _embedder(embedding if self._embedding_fn is None
                                else self._embedding_fn)
        super()._setup(inputs, sequence_length, mask)

    def sample(self, time, outputs, state):
        batch = ndflow.shape(outputs)[:1]
        chosen = ndflow.less(ndflow.random.uniform(batch, seed=self._scheduling_seed),
                             ndflow.cast(self._probability, ndflow.float32))
        drawn = ndflow.cast(ndflow.reshape(ndflow.random.categorical(
            outputs, 1, seed=self._seed), [-1]), ndflow.int32)
        return ndflow.where(chosen, drawn, ndflow.zeros_like(drawn) - 1)

    def next_inputs(self, time, outputs, state, sample_ids):
        finished, truth, state = super().next_inputs(time, outputs, state, sample_ids)
        drawn = self._embed(ndflow.maximum(sample_ids, 0))
        use = ndflow.reshape(ndflow.greater_equal(sample_ids, 0), [-1] + [1] * (
            truth.shape.rank - 1))
        return finished, ndflow.where(use, ndflow.cast(drawn, truth.dtype), truth), state


class InferenceSampler(Sampler):
    """Decoding driven by functions: `sample_fn(outputs)` gives the sample, which is also the
    next input (through `next_inputs_fn` if given); `end_fn(sample)` says which examples
    are finished.

    Args:
      sample_fn: Function of the outputs giving the samples.
      sample_shape: The shape of one example's sample.
      sample_dtype: The samples' dtype.
      end_fn: Function of the samples giving a bool `[batch]` vector.
      next_inputs_fn: Optional function of the samples giving the next inputs.
    """

    def __init__(self, sample_fn, sample_shape, sample_dtype, end_fn, next_inputs_fn=None):
        super().__init__()
        self._sample_fn, self._end_fn = sample_fn, end_fn
        self._sample_shape = ndflow.TensorShape(sample_shape)
        self._sample_dtype = ndflow.as_dtype(sample_dtype)
        self._next_inputs_fn = next_inputs_fn

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def _setup(self, start_inputs):
        start = ndflow.convert_to_tensor(start_inputs)
        self._batch_size = _batch_of(start)
        self._first = (self._end_fn(start), start)

    def sample(self, time, outputs, state):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids):
        inputs = sample_ids if self._next_inputs_fn is None else \
            self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), inputs, state


class CustomSampler(Sampler):
    """A sampler made of three functions: `initialize_fn() -> (finished, first_inputs)`,
    `sample_fn(time, outputs, state) -> sample_ids` and `next_inputs_fn(time, outputs,
    state, sample_ids) -> (finished, next_inputs, next_state)`.

    Args:
      initialize_fn, sample_fn, next_inputs_fn: The three functions.
      sample_ids_shape: Optional shape of one example's sample id (default `[]`).
      sample_ids_dtype: Optional dtype of the sample ids (default int32).
    """

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        super().__init__()
        self._initialize_fn, self._sample_fn = initialize_fn, sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._ids_shape = ndflow.TensorShape(sample_ids_shape or [])
        self._ids_dtype = ndflow.as_dtype(sample_ids_dtype or ndflow.int32)

    @property
    def sample_ids_shape(self):
        return self._ids_shape

    @property
    def sample_ids_dtype(self):
        return self._ids_dtype

    def initialize(self, *args, **kwargs):
        finished, inputs = self._initialize_fn(*args, **kwargs)
        self._batch_size = _batch_of(ndflow.convert_to_tensor(finished))
        self._first = (finished, inputs)
        return self._first

    def sample(self, time, outputs, state):
        return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids):
        return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                    sample_ids=sample_ids)


# --- TF1 spellings: the data in the constructor ----------------------------------------------

class TrainingHelper(TrainingSampler):
    """tf.contrib.seq2seq.TrainingHelper: teacher forcing over `inputs`.

    Args:
      inputs: `[batch, time, depth]` (or `[time, batch, depth]` if `time_major`).
      sequence_length: int vector `[batch]`, each example's number of steps.
      time_major: bool.
    """

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        super().__init__(time_major)
        self._setup(inputs, sequence_length)


class GreedyEmbeddingHelper(GreedyEmbeddingSampler):
    """tf.contrib.seq2seq.GreedyEmbeddingHelper: feeds back the embedding of the arg-max.

    Args:
      embedding: A callable of ids, or the `[vocab, depth]` embedding matrix.
      start_tokens: int vector `[batch]`, the first ids.
      end_token: int scalar, the id that finishes an example.
    """

    def __init__(self, embedding, start_tokens, end_token):
        super().__init__()
        self._setup(embedding, start_tokens, end_token)


class SampleEmbeddingHelper(SampleEmbeddingSampler):
    """tf.contrib.seq2seq.SampleEmbeddingHelper: feeds back the embedding of an id drawn
    from the outputs' softmax (see `SampleEmbeddingSampler`)."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(None, softmax_temperature, seed)
        self._setup(embedding, start_tokens, end_token)


class ScheduledEmbeddingTrainingHelper(ScheduledEmbeddingTrainingSampler):
    """tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper: teacher forcing over `inputs`,
    reading instead, with probability `sampling_probability`, the embedding (`embedding`) of
    an id drawn from the outputs (see `ScheduledEmbeddingTrainingSampler`)."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        super().__init__(sampling_probability, None, time_major, seed, scheduling_seed)
        self._setup(inputs, sequence_length, embedding=embedding)


class InferenceHelper(InferenceSampler):
    """tf.contrib.seq2seq.InferenceHelper: `InferenceSampler` set up on `start_inputs`."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        super().__init__(sample_fn, sample_shape, sample_dtype, end_fn, next_inputs_fn)
        self._setup(start_inputs)


class CustomHelper(CustomSampler):
    """tf.contrib.seq2seq.CustomHelper: a helper made of three functions (see
    `CustomSampler`); `initialize_fn` is called once, when the decoder starts."""

    def initialize(self, *args, **kwargs):
        if self._first is None:
            return super().initialize()
        return self._first
