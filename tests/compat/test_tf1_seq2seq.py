"""tf.contrib.seq2seq: decoding checked against dynamic_rnn and a hand-unrolled greedy loop,
attention scores against NumPy, beam search against a brute-force search."""
import itertools

import numpy as np
import pytest

import ndflow.compat.v1 as tf

s2s = tf.contrib.seq2seq


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_training_helper_decoding_is_dynamic_rnn_with_its_gradients(graph):
    x = tf.constant(np.random.default_rng(0).standard_normal((3, 5, 4)), tf.float32)
    lengths = tf.constant([5, 2, 4])
    cell = tf.nn.rnn_cell.BasicLSTMCell(6)
    with tf.variable_scope("dec"):
        decoder = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, lengths),
                                   cell.zero_state(3, tf.float32))
        out, state, seq_lengths = s2s.dynamic_decode(decoder, impute_finished=True)
    with tf.variable_scope("dec/decoder", reuse=True):
        ref, ref_state = tf.nn.dynamic_rnn(cell, x, lengths, dtype=tf.float32)
    assert [v.name for v in tf.trainable_variables()] == [
        "dec/decoder/basic_lstm_cell/kernel:0", "dec/decoder/basic_lstm_cell/bias:0"]
    assert out.rnn_output.shape.as_list() == [3, None, 6]
    weights = tf.trainable_variables()
    grads = tf.gradients(tf.reduce_sum(tf.sin(out.rnn_output)), weights)
    ref_grads = tf.gradients(tf.reduce_sum(tf.sin(ref)), weights)
    got = _run([out.rnn_output, state, seq_lengths, ref, ref_state, grads, ref_grads])
    np.testing.assert_allclose(got[0], got[3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1].h, got[4].h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1].c, got[4].c, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[2], [5, 2, 4])
    for g, r in zip(got[5], got[6]):
        assert np.abs(g).max() > 0
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-5)


def test_training_helper_time_major_and_sample_ids(graph):
    x = np.random.default_rng(1).standard_normal((4, 2, 3)).astype(np.float32)
    cell = tf.nn.rnn_cell.BasicRNNCell(5)
    helper = s2s.TrainingHelper(tf.constant(x), [4, 3], time_major=True)
    decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32))
    out, _, lengths = s2s.dynamic_decode(decoder, output_time_major=True)
    rnn_out, ids, lens = _run([out.rnn_output, out.sample_id, lengths])
    assert rnn_out.shape == (4, 2, 5)
    np.testing.assert_array_equal(ids, rnn_out.argmax(-1))
    np.testing.assert_array_equal(lens, [4, 3])


def test_greedy_decoding_is_the_argmax_loop_unrolled_by_hand(graph):
    vocab, start, end = 7, 1, 0
    emb = tf.constant(np.random.default_rng(2).standard_normal((vocab, 3)), tf.float32)
    cell = tf.nn.rnn_cell.GRUCell(8)
    layer = tf.layers.Dense(vocab)
    init = tf.constant(np.random.default_rng(3).standard_normal((2, 8)), tf.float32)
    decoder = s2s.BasicDecoder(cell, s2s.GreedyEmbeddingHelper(emb, tf.fill([2], start), end),
                               init, output_layer=layer)
    out, state, lengths = s2s.dynamic_decode(decoder, maximum_iterations=6)
    # the same cell and layer, stepped in Python
    tok_ph, h_ph = tf.placeholder(tf.int32, [2]), tf.placeholder(tf.float32, [2, 8])
    step_out, step_h = cell(tf.nn.embedding_lookup(emb, tok_ph), h_ph)
    logits = layer(step_out)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ids, lens = sess.run([out.sample_id, lengths])
        tok, h = np.full([2], start), sess.run(init)
        expected, done = [], np.zeros(2, bool)
        for _ in range(6):
            lv, h = sess.run([logits, step_h], {tok_ph: tok, h_ph: h})
            tok = lv.argmax(-1)
            expected.append(tok)
            done |= tok == end
            if done.all():
                break
    np.testing.assert_array_equal(ids, np.stack(expected, 1))
    assert ids.shape[1] == lens.max()


def test_sample_embedding_helper_draws_valid_ids(graph):
    emb = tf.constant(np.eye(5), tf.float32)
    cell = tf.nn.rnn_cell.BasicRNNCell(5)
    helper = s2s.SampleEmbeddingHelper(emb, tf.fill([4], 1), 0, softmax_temperature=2.0,
                                       seed=3)
    out, _, lengths = s2s.dynamic_decode(s2s.BasicDecoder(
        cell, helper, cell.zero_state(4, tf.float32)), maximum_iterations=5)
    ids, lens = _run([out.sample_id, lengths])
    assert ids.shape == (4, lens.max()) and ids.min() >= 0 and ids.max() < 5


def _bahdanau_np(keys, query, wq, v, mask, g=None, b=None):
    inner = keys + (query @ wq)[:, None, :]
    if g is not None:
        v = g * v / np.sqrt((v ** 2).sum())
        inner = inner + b
    score = (v * np.tanh(inner)).sum(-1)
    return _softmax(np.where(mask, score, -np.inf))


@pytest.mark.parametrize("normalize", [False, True])
def test_bahdanau_alignments_match_numpy_and_mask_the_memory(graph, normalize):
    rng = np.random.default_rng(4)
    memory = rng.standard_normal((2, 5, 3)).astype(np.float32)
    query = rng.standard_normal((2, 4)).astype(np.float32)
    mech = s2s.BahdanauAttention(6, memory, memory_sequence_length=[5, 3],
                                 normalize=normalize)
    align, _ = mech(tf.constant(query), mech.initial_alignments(2, tf.float32))
    names = {v.name.split("/")[-2] + "/" + v.name.split("/")[-1]: v
             for v in tf.trainable_variables()}
    fetch = {k: v for k, v in names.items()}
    fetch.update(align=align, keys=mech.keys, values=mech.values)
    got = _run(fetch)
    mask = np.arange(5)[None] < np.array([5, 3])[:, None]
    masked = memory * mask[..., None]
    np.testing.assert_allclose(got["values"], masked)
    np.testing.assert_allclose(got["keys"], masked @ got["memory_layer/kernel:0"],
                               rtol=1e-5, atol=1e-6)
    extra = {}
    if normalize:
        extra = dict(g=got["BahdanauAttention/attention_g:0"],
                     b=got["BahdanauAttention/attention_b:0"])
    expected = _bahdanau_np(got["keys"], query, got["query_layer/kernel:0"],
                            got["BahdanauAttention/attention_v:0"], mask, **extra)
    np.testing.assert_allclose(got["align"], expected, rtol=1e-5, atol=1e-6)
    assert np.all(got["align"][1, 3:] == 0)


@pytest.mark.parametrize("scale", [False, True])
def test_luong_attention_wrapper_step_matches_numpy(graph, scale):
    rng = np.random.default_rng(5)
    memory = rng.standard_normal((2, 4, 3)).astype(np.float32)
    inputs = rng.standard_normal((2, 2)).astype(np.float32)
    mech = s2s.LuongAttention(5, memory, memory_sequence_length=[2, 4], scale=scale)
    cell = tf.nn.rnn_cell.BasicRNNCell(5)
    wrapper = s2s.AttentionWrapper(cell, mech, attention_layer_size=3, alignment_history=True)
    state = wrapper.zero_state(2, tf.float32)
    assert wrapper.output_size == 3
    out, new_state = wrapper(tf.constant(inputs), state)
    out2, state2 = wrapper(tf.constant(inputs), new_state)
    variables = {v.name: v for v in tf.trainable_variables()}
    got = _run(dict(out=out, out2=out2, align=new_state.alignments, time=state2.time,
                    history=state2.alignment_history.stack(), **variables))
    k = {n.split("/")[-2] + "/" + n.split("/")[-1]: v for n, v in got.items() if ":" in n}
    cell_in = np.concatenate([inputs, np.zeros((2, 3), np.float32)], 1)
    h = np.tanh(np.concatenate([cell_in, np.zeros((2, 5))], 1) @ k["basic_rnn_cell/kernel:0"]
                + k["basic_rnn_cell/bias:0"])
    keys = memory @ k["memory_layer/kernel:0"]
    score = np.einsum("bd,btd->bt", h, keys)
    if scale:
        score = score * k["LuongAttention/attention_g:0"]
    mask = np.arange(4)[None] < np.array([2, 4])[:, None]
    align = _softmax(np.where(mask, score, -np.inf))
    context = np.einsum("bt,btd->bd", align, memory)
    attention = np.concatenate([h, context], 1) @ k["attention_layer/kernel:0"]
    np.testing.assert_allclose(got["align"], align, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["out"], attention, rtol=1e-5, atol=1e-6)
    assert got["time"] == 2 and got["history"].shape == (2, 2, 4)
    np.testing.assert_allclose(got["history"][0], align, rtol=1e-5, atol=1e-6)


def test_gather_tree_follows_parents_and_pads_after_the_end_token(graph):
    step_ids = np.array([[[2, 5, 3]], [[6, 1, 4]], [[7, 8, 0]]], np.int32)   # [3, 1, 3]
    parents = np.array([[[0, 0, 0]], [[2, 1, 0]], [[1, 2, 0]]], np.int32)
    out = _run(s2s.gather_tree(step_ids, parents, [3], 0))
    # beam 0: t2 id 7 from beam 1 -> t1 id 1 from beam 1 -> t0 id 5
    np.testing.assert_array_equal(out[:, 0, 0], [5, 1, 7])
    np.testing.assert_array_equal(out[:, 0, 1], [2, 4, 8])
    np.testing.assert_array_equal(out[:, 0, 2], [3, 6, 0])
    short = _run(s2s.gather_tree(step_ids, parents, [2], 0))
    np.testing.assert_array_equal(short[2, 0], [0, 0, 0])


class _BigramCell:
    """A fixed 'cell': the logits are row `previous token` of `table` (the inputs are the
    one-hot embedding of the previous token); the state passes through."""

    output_size = 4

    def __init__(self, table):
        self._table = tf.constant(table)

    def __call__(self, inputs, state):
        return tf.matmul(inputs, self._table), state


def _log_softmax(z):
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _brute_force(table, start, end, steps):
    """Every sequence of `steps` ids (only `end` after `end`) with its log-probability."""
    lp = _log_softmax(table)
    found = {}
    for seq in itertools.product(range(table.shape[0]), repeat=steps):
        score, prev, ended = 0.0, start, False
        for tok in seq:
            if ended:
                if tok != end:
                    break
                continue
            score += lp[prev, tok]
            prev, ended = tok, tok == end
        else:
            found[seq] = score
    return sorted(found.items(), key=lambda kv: -kv[1])


def test_beam_search_keeps_the_top_k_sequences_of_a_brute_force_search(graph):
    rng = np.random.default_rng(6)
    vocab, beams, steps = 4, 4, 2          # beams >= vocab ** (steps - 1): the search is exact
    table = (2 * rng.standard_normal((vocab, vocab))).astype(np.float32)
    start, end = 1, 0
    cell = _BigramCell(table)
    decoder = s2s.BeamSearchDecoder(cell, np.eye(vocab, dtype=np.float32),
                                    tf.fill([1], start), end, tf.zeros([beams, 1]), beams)
    out, state, _ = s2s.dynamic_decode(decoder, maximum_iterations=steps)
    ids, scores, log_probs = _run([out.predicted_ids, out.beam_search_decoder_output.scores,
                                   state.log_probs])
    best = _brute_force(table, start, end, steps)[:beams]
    got = [tuple(ids[0, :, k]) for k in range(beams)]
    assert got == [seq for seq, _ in best]
    np.testing.assert_allclose(log_probs[0], [s for _, s in best], rtol=1e-5)
    np.testing.assert_allclose(scores[0, -1], log_probs[0], rtol=1e-6)


def test_beam_search_with_length_penalty_ranks_by_the_penalized_score(graph):
    rng = np.random.default_rng(7)
    table = (2 * rng.standard_normal((3, 3))).astype(np.float32)
    decoder = s2s.BeamSearchDecoder(_BigramCell(table), np.eye(3, dtype=np.float32),
                                    tf.fill([1], 1), 0, tf.zeros([9, 1]), 9,
                                    length_penalty_weight=1.0)
    out, state, lengths = s2s.dynamic_decode(decoder, maximum_iterations=3)
    ids, scores, log_probs, state_lengths, lengths = _run([
        out.predicted_ids, out.beam_search_decoder_output.scores, state.log_probs,
        state.lengths, lengths])
    steps = ids.shape[1]
    np.testing.assert_array_equal(lengths, state_lengths)
    for k in range(9):
        seq = list(ids[0, :, k])
        end = seq.index(0) if 0 in seq else None
        # lengths count the tokens up to and including the end token ...
        assert state_lengths[0, k] == (steps if end is None else end + 1)
        # ... the penalty of a candidate does not count an end token chosen at that step
        # (TensorFlow Addons' rule, checked against it in test_addons_seq2seq.py)
        scored = steps if end is None else (end if end == steps - 1 else end + 1)
        np.testing.assert_allclose(scores[0, -1, k],
                                   log_probs[0, k] / ((5.0 + scored) / 6.0), rtol=1e-5)
    assert np.all(np.diff(scores[0, -1]) <= 1e-6)


@pytest.mark.parametrize("stacked", [False, True])
def test_beam_width_one_with_attention_is_greedy_decoding(graph, stacked):
    rng = np.random.default_rng(8)
    vocab, units = 6, 5
    emb = tf.constant(rng.standard_normal((vocab, 3)), tf.float32)
    memory = tf.constant(rng.standard_normal((2, 4, 3)), tf.float32)
    lengths = tf.constant([4, 2])
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(units),
                                        tf.nn.rnn_cell.GRUCell(units)]) if stacked \
        else tf.nn.rnn_cell.BasicLSTMCell(units)
    mech = s2s.BahdanauAttention(units, memory, memory_sequence_length=lengths)
    wrapper = s2s.AttentionWrapper(cell, mech, attention_layer_size=units)
    layer = tf.layers.Dense(vocab)
    greedy = s2s.BasicDecoder(wrapper, s2s.GreedyEmbeddingHelper(emb, tf.fill([2], 1), 0),
                              wrapper.zero_state(2, tf.float32), output_layer=layer)
    g_out, _, _ = s2s.dynamic_decode(greedy, maximum_iterations=5)
    beam = s2s.BeamSearchDecoder(wrapper, emb, tf.fill([2], 1), 0,
                                 wrapper.zero_state(2, tf.float32), 1, output_layer=layer)
    b_out, _, _ = s2s.dynamic_decode(beam, maximum_iterations=5)
    g_ids, b_ids = _run([g_out.sample_id, b_out.predicted_ids])
    assert b_ids.shape[2] == 1
    for row in range(2):   # equal up to and including the first end token
        g, b = g_ids[row], b_ids[row, :, 0]
        stop = next((i for i, t in enumerate(g) if t == 0), len(g) - 1) + 1
        np.testing.assert_array_equal(b[:stop], g[:stop])


def test_tile_batch_repeats_each_example(graph):
    x = tf.constant([[1, 2], [3, 4]])
    tiled = s2s.tile_batch((x, tf.constant([5, 6])), 2)
    a, b = _run(list(tiled))
    np.testing.assert_array_equal(a, [[1, 2], [1, 2], [3, 4], [3, 4]])
    np.testing.assert_array_equal(b, [5, 5, 6, 6])


def test_two_mechanisms_without_attention_layer_concatenate_their_contexts(graph):
    rng = np.random.default_rng(9)
    memory = rng.standard_normal((2, 3, 4)).astype(np.float32)
    with tf.variable_scope("first"):
        first = s2s.BahdanauAttention(5, memory)
    with tf.variable_scope("second"):
        second = s2s.LuongAttention(5, memory, memory_sequence_length=[3, 1])
    mechs = [first, second]
    wrapper = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(5), mechs,
                                   output_attention=False)
    state = wrapper.zero_state(2, tf.float32)
    assert wrapper.output_size == 5 and state.attention.shape.as_list() == [2, 8]
    out, new = wrapper(tf.ones([2, 3]), state)
    got = _run(dict(out=out, attention=new.attention, align=new.alignments))
    assert len(got["align"]) == 2 and got["attention"].shape == (2, 8)
    for i in range(2):
        np.testing.assert_allclose(got["attention"][:, 4 * i:4 * i + 4],
                                   np.einsum("bt,btd->bd", got["align"][i], memory),
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["align"][1][1], [1, 0, 0], atol=1e-7)


def test_tf1_decoder_names_and_errors(graph):
    with pytest.raises(TypeError, match="Decoder"):
        s2s.dynamic_decode("not a decoder")
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        s2s.GreedyEmbeddingHelper(np.eye(3, dtype=np.float32), [[1]], 0)
    with pytest.raises(ValueError, match="rank >= 1"):
        s2s.tile_batch(tf.constant(1.0), 2)


def test_beam_search_over_a_stacked_attention_cell_reorders_its_state(graph):
    rng = np.random.default_rng(11)
    beams, units = 3, 4
    emb = tf.constant(rng.standard_normal((7, 3)), tf.float32)
    memory = tf.constant(rng.standard_normal((2, 5, 3)), tf.float32)
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(units) for _ in range(2)])
    mech = s2s.BahdanauAttention(units, s2s.tile_batch(memory, beams),
                                 memory_sequence_length=s2s.tile_batch(tf.constant([5, 3]), beams),
                                 normalize=True)
    wrapper = s2s.AttentionWrapper(cell, mech, attention_layer_size=units)
    init = wrapper.zero_state(2 * beams, tf.float32)
    decoder = s2s.BeamSearchDecoder(wrapper, emb, tf.fill([2], 1), 0, init, beams,
                                    output_layer=tf.layers.Dense(7),
                                    length_penalty_weight=0.5)
    out, state, lengths = s2s.dynamic_decode(decoder, maximum_iterations=6)
    ids, scores, parents, align, lens = _run([
        out.predicted_ids, out.beam_search_decoder_output.scores,
        out.beam_search_decoder_output.parent_ids, state.cell_state.alignments, lengths])
    assert ids.shape == (2, ids.shape[1], beams) and ids.shape[1] <= 6
    assert lens.shape == (2, beams) and lens.max() <= 6
    assert parents.min() >= 0 and parents.max() < beams
    assert np.all(np.diff(scores[:, -1], axis=-1) <= 1e-6)   # best beam first
    assert align.shape == (2 * beams, 5)
    np.testing.assert_allclose(align[beams:, 3:], 0, atol=1e-7)   # example 1's memory is 3


def test_scheduled_inference_and_custom_helpers(graph):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    emb = rng.standard_normal((5, 3)).astype(np.float32)
    cell = tf.nn.rnn_cell.GRUCell(4)
    dense = tf.layers.Dense(5, bias_initializer=tf.constant_initializer([0, 0, 0, 60., 0]))
    init = cell.zero_state(2, tf.float32)

    def decode(helper, **kwargs):
        return s2s.dynamic_decode(s2s.BasicDecoder(cell, helper, init, output_layer=dense),
                                  **kwargs)[0]
    teacher = decode(s2s.TrainingHelper(x, [4, 4]))
    never = decode(s2s.ScheduledEmbeddingTrainingHelper(x, [4, 4], emb, 0.0, seed=1))
    always = decode(s2s.ScheduledEmbeddingTrainingHelper(x, [4, 4], emb, 1.0, seed=1))
    fed = np.concatenate([x[:, :1], np.repeat(emb[3][None, None], 2, 0).repeat(3, 1)], 1)
    fed_back = decode(s2s.TrainingHelper(fed, [4, 4]))
    inputs_ta = tf.TensorArray(tf.float32, size=4).unstack(tf.transpose(x, [1, 0, 2]))
    custom = decode(s2s.CustomHelper(
        lambda: (tf.zeros([2], tf.bool), inputs_ta.read(0)),
        lambda time, outputs, state: tf.cast(tf.argmax(outputs, -1), tf.int32),
        lambda time, outputs, state, sample_ids: (
            time + 1 >= 4, inputs_ta.read(tf.minimum(time + 1, 3)), state)))
    inference = decode(s2s.InferenceHelper(
        lambda outputs: outputs[:, :3], [3], tf.float32, tf.constant(x[:, 0]),
        lambda sample: tf.zeros([2], tf.bool)), maximum_iterations=3)
    got = _run([teacher, never, always, fed_back, custom, inference])
    np.testing.assert_allclose(got[1].rnn_output, got[0].rnn_output, rtol=1e-6)
    assert np.all(got[1].sample_id == -1) and np.all(got[2].sample_id == 3)
    np.testing.assert_allclose(got[2].rnn_output, got[3].rnn_output, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[4].rnn_output, got[0].rnn_output, rtol=1e-6)
    np.testing.assert_array_equal(got[4].sample_id, got[0].sample_id)
    assert got[5].sample_id.shape == (2, 3, 3)
    np.testing.assert_allclose(got[5].sample_id, got[5].rnn_output[:, :, :3])


def test_beam_search_time_major_and_impute_finished(graph):
    table = np.random.default_rng(15).standard_normal((4, 4)).astype(np.float32)
    decoder = s2s.BeamSearchDecoder(_BigramCell(table), np.eye(4, dtype=np.float32),
                                    tf.fill([2], 1), 0, tf.zeros([6, 1]), 3)
    batch_major, _, _ = s2s.dynamic_decode(decoder, maximum_iterations=4)
    time_major, _, _ = s2s.dynamic_decode(decoder, output_time_major=True,
                                          impute_finished=True, maximum_iterations=4)
    a, b = _run([batch_major.predicted_ids, time_major.predicted_ids])
    np.testing.assert_array_equal(a, np.transpose(b, [1, 0, 2]))


def test_monotonic_attention_modes_agree_and_decode(graph):
    rng = np.random.default_rng(17)
    p = tf.constant(rng.uniform(size=(2, 6)), tf.float32)
    prev = tf.constant(_softmax(rng.standard_normal((2, 6))), tf.float32)
    one_hot = tf.constant(np.eye(6)[[0, 2]], tf.float32)
    hard_p = tf.constant((rng.uniform(size=(2, 6)) > 0.5), tf.float32)
    par, rec, hard = _run([s2s.monotonic_attention(p, prev, "parallel"),
                           s2s.monotonic_attention(p, prev, "recursive"),
                           s2s.monotonic_attention(hard_p, one_hot, "hard")])
    np.testing.assert_allclose(par, rec, rtol=1e-5, atol=1e-7)
    assert np.all(par.sum(-1) <= 1 + 1e-6)
    assert np.all(hard.sum(-1) <= 1) and set(np.unique(hard)) <= {0.0, 1.0}
    memory = tf.constant(rng.standard_normal((2, 4, 3)), tf.float32)
    with tf.variable_scope("b"):
        mech = s2s.BahdanauMonotonicAttention(5, memory, memory_sequence_length=[4, 2],
                                              normalize=True, score_bias_init=-1.0)
    wrapper = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(5), mech, alignment_history=True)
    decoder = s2s.BasicDecoder(wrapper, s2s.TrainingHelper(tf.ones([2, 3, 2]), [3, 3]),
                               wrapper.zero_state(2, tf.float32))
    _, state, _ = s2s.dynamic_decode(decoder)
    init, history, bias = _run([mech.initial_alignments(2, tf.float32),
                                state.alignment_history.stack(),
                                [v for v in tf.global_variables()
                                 if "attention_score_bias" in v.name][0]])
    np.testing.assert_array_equal(init, np.eye(4)[[0, 0]])
    assert bias == -1.0 and history.shape == (3, 2, 4)
    assert np.all(history[:, 1, 2:] == 0)   # past the memory length


def test_coverage_penalty_needs_an_attention_cell_and_penalizes_finished_beams(graph):
    with pytest.raises(ValueError, match="AttentionWrapper"):
        s2s.BeamSearchDecoder(_BigramCell(np.eye(3, dtype=np.float32)),
                              np.eye(3, dtype=np.float32), tf.fill([1], 1), 0,
                              tf.zeros([3, 1]), 3, coverage_penalty_weight=1.0).initialize()
    tf.set_random_seed(18)
    rng = np.random.default_rng(18)
    memory = tf.constant(rng.standard_normal((1, 4, 3)), tf.float32)
    emb = np.eye(5, dtype=np.float32)[:, :3]
    results = []
    for weight in (0.0, 2.0):
        with tf.variable_scope(f"w{weight:g}"):
            mech = s2s.LuongAttention(3, s2s.tile_batch(memory, 3))
            cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(3), mech)
            decoder = s2s.BeamSearchDecoder(
                cell, emb, tf.fill([1], 1), 2, cell.zero_state(3, tf.float32), 3,
                output_layer=tf.layers.Dense(5, bias_initializer=tf.constant_initializer(
                    [0, 0, 3.0, 0, 0])), coverage_penalty_weight=weight)
            out, state, _ = s2s.dynamic_decode(decoder, maximum_iterations=4)
            results.append((out.beam_search_decoder_output.scores, state.log_probs,
                            state.finished, state.accumulated_attention_probs))
    (s0, lp0, f0, acc0), (s1, lp1, f1, acc1) = _run(results)
    assert acc0 == () or np.size(acc0) == 0
    assert f1.any() and acc1.shape == (1, 3, 4)
    # a beam finished before the last step scores its log-probability plus the (negative)
    # coverage penalty; one that finished at the last step, its log-probability
    penalty = 2.0 * np.log(np.minimum(np.where(acc1 == 0, 1, acc1), 1)).sum(-1)
    last = s1[:, -1]
    penalized = np.isclose(last, lp1 + penalty, rtol=1e-5) & (penalty < -1e-3)
    assert np.all(penalized | np.isclose(last, lp1, rtol=1e-5)) and penalized[f1].any()
    assert not np.allclose(s0[:, -1], s1[:, -1])
