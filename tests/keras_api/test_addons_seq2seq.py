"""ndflow.addons.seq2seq (TensorFlow Addons' tfa.seq2seq): the Keras decoders eagerly, in
tf.function and in Functional models; Keras attention checked against NumPy."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.addons as tfa
from ndflow import keras


def _decode(decoder, cell, x, lengths):
    return decoder(x, initial_state=cell.get_initial_state(batch_size=2, dtype=tf.float32),
                   sequence_length=lengths)


def test_basic_decoder_eager_equals_tf_function_and_keras_rnn():
    cell = keras.layers.LSTMCell(4)
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler(),
                                       impute_finished=True)
    x = tf.constant(np.random.default_rng(0).standard_normal((2, 5, 3)), tf.float32)
    lengths = tf.constant([5, 3])
    out, state, seq_len = _decode(decoder, cell, x, lengths)
    graph_out, graph_state, _ = tf.function(lambda v: _decode(decoder, cell, v, lengths))(x)
    np.testing.assert_allclose(out.rnn_output.numpy(), graph_out.rnn_output.numpy(),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(seq_len.numpy(), [5, 3])
    # the same cell in keras.layers.RNN over the same inputs
    rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    mask = tf.sequence_mask(lengths, 5)
    ref, h, c = rnn(x, mask=mask)
    got = out.rnn_output.numpy()
    np.testing.assert_allclose(got[0], ref.numpy()[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1, :3], ref.numpy()[1, :3], rtol=1e-5, atol=1e-6)
    assert np.all(got[1, 3:] == 0)
    np.testing.assert_allclose(state[0].numpy(), h.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(graph_state[1].numpy(), c.numpy(), rtol=1e-5, atol=1e-6)


def test_training_sampler_gradients_reach_the_cell_and_output_layer():
    cell, dense = keras.layers.GRUCell(4), keras.layers.Dense(3)
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler(), output_layer=dense)
    x = tf.constant(np.random.default_rng(1).standard_normal((2, 4, 3)), tf.float32)
    with tf.GradientTape() as tape:
        out, _, _ = _decode(decoder, cell, x, tf.constant([4, 2]))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2, 4], tf.int32), logits=out.rnn_output))
    grads = tape.gradient(loss, decoder.trainable_weights)
    assert len(decoder.trainable_weights) == 5
    assert all(g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads)
    # the fused loss's gradient through the decoder equals the composed one
    with tf.GradientTape() as tape:
        out, _, _ = _decode(decoder, cell, x, tf.constant([4, 2]))
        ref = -tf.reduce_mean(tf.nn.log_softmax(out.rnn_output)[:, :, 0])
    for g, r in zip(grads, tape.gradient(ref, decoder.trainable_weights)):
        np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-4, atol=1e-6)


def test_dynamic_decode_function_with_decoder_init_kwargs():
    cell = keras.layers.SimpleRNNCell(3)
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler())
    x = tf.ones([2, 3, 2])
    out, _, lengths = tfa.seq2seq.dynamic_decode(
        decoder, output_time_major=True, decoder_init_input=x,
        decoder_init_kwargs=dict(initial_state=cell.get_initial_state(batch_size=2,
                                                                      dtype=tf.float32),
                                 sequence_length=tf.constant([3, 1])))
    assert out.rnn_output.shape == (3, 2, 3)
    np.testing.assert_array_equal(lengths.numpy(), [3, 1])


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("normalize", [False, True])
def test_keras_bahdanau_alignments_match_numpy(normalize):
    rng = np.random.default_rng(2)
    memory = rng.standard_normal((2, 5, 3)).astype(np.float32)
    query = rng.standard_normal((2, 4)).astype(np.float32)
    mech = tfa.seq2seq.BahdanauAttention(6, normalize=normalize)
    mech.setup_memory(memory, memory_sequence_length=[5, 2])
    align, _ = mech([tf.constant(query), mech.initial_alignments(2, tf.float32)])
    w = {v.name.split("/")[-1].split(":")[0]: v.numpy() for v in mech.weights}
    mask = np.arange(5)[None] < np.array([5, 2])[:, None]
    keys = (memory * mask[..., None]) @ mech.memory_layer.kernel.numpy()
    v = w["attention_v"]
    inner = keys + (query @ mech.query_layer.kernel.numpy())[:, None]
    if normalize:
        v = w["attention_g"] * v / np.sqrt((v ** 2).sum())
        inner = inner + w["attention_b"]
    expected = _softmax(np.where(mask, (v * np.tanh(inner)).sum(-1), -np.inf))
    np.testing.assert_allclose(align.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert np.all(align.numpy()[1, 2:] == 0)


def test_attention_wrapper_initial_state_clone_and_alignment_history():
    memory = tf.constant(np.random.default_rng(3).standard_normal((2, 4, 5)), tf.float32)
    mech = tfa.seq2seq.LuongAttention(5, memory, memory_sequence_length=[4, 3])
    cell = tfa.seq2seq.AttentionWrapper(keras.layers.LSTMCell(5), mech, attention_layer_size=6,
                                        alignment_history=True)
    encoder_state = [tf.ones([2, 5]), tf.zeros([2, 5])]
    init = cell.get_initial_state(batch_size=2, dtype=tf.float32).clone(
        cell_state=encoder_state)
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler())
    out, state, _ = decoder(tf.ones([2, 3, 4]), initial_state=init,
                            sequence_length=tf.constant([3, 3]))
    assert out.rnn_output.shape == (2, 3, 6) and cell.output_size == 6
    history = state.alignment_history.stack().numpy()
    assert history.shape == (3, 2, 4)
    np.testing.assert_allclose(history.sum(-1), 1.0, rtol=1e-5)
    assert np.all(history[:, 1, 3] == 0)


def test_functional_model_with_attention_over_keras_tensor_memory_trains():
    tf.random.set_seed(3)
    rng = np.random.default_rng(4)
    vocab, length = 7, 4
    enc_in = keras.layers.Input(shape=[None], dtype="int32")
    dec_in = keras.layers.Input(shape=[None], dtype="int32")
    lengths = keras.layers.Input(shape=[], dtype="int32")
    emb = keras.layers.Embedding(vocab, 8)
    encoder = keras.layers.LSTM(16, return_sequences=True, return_state=True)
    enc_out, h, c = encoder(emb(enc_in))
    mech = tfa.seq2seq.attention_wrapper.LuongAttention(16, enc_out,
                                                        memory_sequence_length=lengths)
    cell = tfa.seq2seq.attention_wrapper.AttentionWrapper(keras.layers.LSTMCell(16), mech,
                                                          attention_layer_size=16)
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler(),
                                       output_layer=keras.layers.Dense(vocab))
    # the initial state made from the encoder's Keras tensors (Keras tensors too)
    outputs, _, _ = decoder(emb(dec_in), initial_state=cell.get_initial_state(
        inputs=h, dtype=tf.float32).clone(cell_state=[h, c]), sequence_length=lengths)
    model = keras.Model([enc_in, dec_in, lengths], keras.layers.Activation("softmax")(
        outputs.rnn_output))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.02))
    src = rng.integers(3, vocab, (512, length)).astype(np.int32)
    tgt = src[:, ::-1].copy()
    dec = np.concatenate([np.ones((512, 1), np.int32), tgt[:, :-1]], 1)
    lens = np.full([512], length, np.int32)
    lens[:8] = 2   # a shorter memory for a few examples
    hist = model.fit([src, dec, lens], tgt, epochs=6, batch_size=64, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    # the model equals the same layers run eagerly on real tensors
    x = [tf.constant(src[:6]), tf.constant(dec[:6]), tf.constant(lens[:6])]
    got = model(x).numpy()
    memory, h0, c0 = encoder(emb(x[0]))
    mech.setup_memory(memory, memory_sequence_length=x[2])
    out, _, _ = decoder(emb(x[1]), initial_state=cell.get_initial_state(
        batch_size=6, dtype=tf.float32).clone(cell_state=[h0, c0]), sequence_length=x[2])
    np.testing.assert_allclose(got, tf.nn.softmax(out.rnn_output).numpy(), rtol=1e-5,
                               atol=1e-6)
    assert got.shape == (6, 2, vocab)   # the TrainingSampler stops at the longest length


def test_sequence_loss_keras_class_and_flags():
    logits = tf.constant(np.random.default_rng(5).standard_normal((2, 3, 4)), tf.float32)
    targets = tf.constant([[1, 2, 0], [3, 0, 0]])
    weights = tf.constant([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits).numpy()
    w = weights.numpy()
    full = tfa.seq2seq.SequenceLoss()(targets, logits, sample_weight=weights)
    np.testing.assert_allclose(full.numpy(), (ce * w).sum() / 4, rtol=1e-6)
    per_step = tfa.seq2seq.sequence_loss(logits, targets, weights, average_across_timesteps=False,
                                         average_across_batch=False)
    np.testing.assert_allclose(per_step.numpy(), ce * w, rtol=1e-6)
    over_time = tfa.seq2seq.sequence_loss(logits, targets, weights, False, False,
                                          sum_over_timesteps=True)
    np.testing.assert_allclose(over_time.numpy(), (ce * w).sum(1) / [3, 1], rtol=1e-6)
    over_batch = tfa.seq2seq.SequenceLoss(sum_over_timesteps=False)(targets, logits, weights)
    np.testing.assert_allclose(over_batch.numpy(), (ce * w).sum(0) / [2, 1, 1], rtol=1e-6)
    with pytest.raises(ValueError):
        tfa.seq2seq.sequence_loss(logits, targets, weights, sum_over_timesteps=True)


# --- the same cases on TensorFlow Addons (tfa_reference_cases.py), where it is installed ---

def _reference_inputs():
    rng = np.random.default_rng(10)
    f = np.float32
    d = dict(memory=rng.standard_normal((2, 5, 3)).astype(f), memory_len=np.array([5, 3], np.int32),
             query6=rng.standard_normal((2, 6)).astype(f))
    for kind in ("bahdanau", "bahdanau_norm", "luong", "luong_scale"):
        d[f"{kind}/memory_layer/kernel"] = rng.standard_normal((3, 6)).astype(f)
        if kind.startswith("bahdanau"):
            d[f"{kind}/query_layer/kernel"] = rng.standard_normal((6, 6)).astype(f)
            d[f"{kind}/attention_v"] = rng.standard_normal(6).astype(f)
        if kind.endswith(("norm", "scale")):
            d[f"{kind}/attention_g"] = np.array(rng.uniform(0.5, 2), f)
        if kind.endswith("norm"):
            d[f"{kind}/attention_b"] = rng.standard_normal(6).astype(f)
    for kind in ("bmono", "lmono"):
        d[f"{kind}/memory_layer/kernel"] = rng.standard_normal((3, 6)).astype(f)
        d[f"{kind}/attention_g"] = np.array(rng.uniform(0.5, 2), f)
        d[f"{kind}/attention_score_bias"] = np.array(rng.uniform(-1, 1), f)
        if kind == "bmono":
            d[f"{kind}/query_layer/kernel"] = rng.standard_normal((6, 6)).astype(f)
            d[f"{kind}/attention_v"] = rng.standard_normal(6).astype(f)
            d[f"{kind}/attention_b"] = rng.standard_normal(6).astype(f)
    soft = np.exp(rng.standard_normal((2, 5)))
    d["prev_soft"] = (soft / soft.sum(-1, keepdims=True)).astype(f)
    d["prev_hard"] = np.eye(5, dtype=f)[[1, 0]]
    d.update({"dec_inputs": rng.standard_normal((2, 4, 3)).astype(f),
              "dec_len": np.array([4, 2], np.int32),
              "att/cell_kernel": 0.5 * rng.standard_normal((3 + 4, 24)).astype(f),
              "att/cell_recurrent": 0.5 * rng.standard_normal((6, 24)).astype(f),
              "att/cell_bias": 0.1 * rng.standard_normal(24).astype(f),
              "att/memory_kernel": rng.standard_normal((3, 6)).astype(f),
              "att/attention_kernel": rng.standard_normal((6 + 3, 4)).astype(f),
              "att/dense_kernel": rng.standard_normal((4, 7)).astype(f),
              "att/dense_bias": rng.standard_normal(7).astype(f)})
    d.update({"beam/embedding": rng.standard_normal((6, 3)).astype(f),
              "beam/start": np.array([0, 2], np.int32),
              "beam/h": rng.standard_normal((2, 5)).astype(f),
              "beam/c": rng.standard_normal((2, 5)).astype(f),
              "beam/cell_kernel": rng.standard_normal((3, 20)).astype(f),
              "beam/cell_recurrent": rng.standard_normal((5, 20)).astype(f),
              "beam/cell_bias": rng.standard_normal(20).astype(f),
              "beam/dense_kernel": 2 * rng.standard_normal((5, 6)).astype(f),
              "beam/dense_bias": rng.standard_normal(6).astype(f),
              "greedy/cell_kernel": rng.standard_normal((3, 20)).astype(f),
              "impute/cell_kernel": rng.standard_normal((3, 20)).astype(f),
              "hist/cell_kernel": rng.standard_normal((3 + 3, 24)).astype(f),
              "hist/cell_recurrent": rng.standard_normal((6, 24)).astype(f),
              "hist/dense": 2 * rng.standard_normal((3, 6)).astype(f),
              "cov/attention_kernel": rng.standard_normal((6 + 3, 3)).astype(f)})
    d.update({"loss/logits": rng.standard_normal((3, 4, 5)).astype(f),
              "loss/targets": rng.integers(0, 5, (3, 4)).astype(np.int32),
              "loss/weights": np.array([[1, 1, 0.5, 0], [1, 0, 0, 0], [0, 0, 0, 0]], f)})
    return d


def _mechanism_weights(mech):
    found = {"memory_layer/kernel": mech.memory_layer.kernel}
    if mech.query_layer is not None:
        found["query_layer/kernel"] = mech.query_layer.kernel
    found.update(mech._nd_weights)
    return found


def _ndflow_cases(d):
    out = {}
    for kind in ("bahdanau", "bahdanau_norm", "luong", "luong_scale"):
        if kind.startswith("bahdanau"):
            mech = tfa.seq2seq.BahdanauAttention(6, normalize=kind.endswith("norm"))
        else:
            mech = tfa.seq2seq.LuongAttention(6, scale=kind.endswith("scale"))
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        state = tf.zeros([2, 5])
        mech([tf.constant(d["query6"]), state])
        for key, w in _mechanism_weights(mech).items():
            w.assign(d[f"{kind}/{key}"])
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        out[f"{kind}/align"] = mech([tf.constant(d["query6"]), state])[0].numpy()
    # monotonic attention, in its three modes
    for kind in ("bmono_parallel", "bmono_recursive", "bmono_hard", "lmono_parallel",
                 "lmono_recursive", "lmono_hard"):
        mode = kind.split("_")[1]
        if kind.startswith("b"):
            mech = tfa.seq2seq.BahdanauMonotonicAttention(6, normalize=True, mode=mode,
                                                          score_bias_init=-1.0)
        else:
            mech = tfa.seq2seq.LuongMonotonicAttention(6, scale=True, mode=mode,
                                                       score_bias_init=-1.0)
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        state = tf.constant(d["prev_hard"] if mode == "hard" else d["prev_soft"])
        mech([tf.constant(d["query6"]), state])
        for key, w in _mechanism_weights(mech).items():
            w.assign(d[f"{kind[:5]}/{key}"])
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        out[f"{kind}/align"] = mech([tf.constant(d["query6"]), state])[0].numpy()
    cell = keras.layers.LSTMCell(6)
    mech = tfa.seq2seq.LuongAttention(6, d["memory"], memory_sequence_length=d["memory_len"])
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mech, attention_layer_size=4,
                                           alignment_history=True)
    dense = keras.layers.Dense(7)
    decoder = tfa.seq2seq.BasicDecoder(wrapper, tfa.seq2seq.TrainingSampler(),
                                       output_layer=dense)

    def decode():
        init = wrapper.get_initial_state(batch_size=2, dtype=tf.float32)
        return decoder(d["dec_inputs"], initial_state=init, sequence_length=d["dec_len"])
    decode()
    cell.set_weights([d["att/cell_kernel"], d["att/cell_recurrent"], d["att/cell_bias"]])
    mech.memory_layer.kernel.assign(d["att/memory_kernel"])
    mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
    wrapper._attention_layers[0].kernel.assign(d["att/attention_kernel"])
    dense.set_weights([d["att/dense_kernel"], d["att/dense_bias"]])
    outputs, state, lengths = decode()
    out["att/rnn_output"] = outputs.rnn_output.numpy()
    out["att/history"] = state.alignment_history.stack().numpy()
    out["att/lengths"] = lengths.numpy()
    for weight in (0.0, 1.0):
        cell, dense = keras.layers.LSTMCell(5), keras.layers.Dense(6)
        beam = tfa.seq2seq.BeamSearchDecoder(cell, 3, output_layer=dense,
                                             length_penalty_weight=weight,
                                             maximum_iterations=6)
        init = tfa.seq2seq.tile_batch([tf.constant(d["beam/h"]), tf.constant(d["beam/c"])], 3)

        def search():
            return beam(tf.constant(d["beam/embedding"]), start_tokens=d["beam/start"],
                        end_token=1, initial_state=init)
        search()
        cell.set_weights([d["beam/cell_kernel"], d["beam/cell_recurrent"], d["beam/cell_bias"]])
        dense.set_weights([d["beam/dense_kernel"], d["beam/dense_bias"]])
        final, state, lengths = search()
        key = f"beam{weight:g}"
        out[f"{key}/ids"] = final.predicted_ids.numpy()
        out[f"{key}/scores"] = final.beam_search_decoder_output.scores.numpy()
        out[f"{key}/parents"] = final.beam_search_decoder_output.parent_ids.numpy()
        out[f"{key}/state_lengths"] = state.lengths.numpy()
        out[f"{key}/log_probs"] = state.log_probs.numpy()
        out[f"{key}/lengths"] = lengths.numpy()
    # greedy decoding, and teacher forcing with impute_finished
    for mode in ("greedy", "impute"):
        cell, dense = keras.layers.LSTMCell(5), keras.layers.Dense(6)
        if mode == "greedy":
            decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.GreedyEmbeddingSampler(),
                                               output_layer=dense, maximum_iterations=6)
            args = (tf.constant(d["beam/embedding"]),)
            kwargs = dict(start_tokens=d["beam/start"], end_token=1)
        else:
            decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler(),
                                               output_layer=dense, impute_finished=True)
            args = (d["dec_inputs"],)
            kwargs = dict(sequence_length=d["dec_len"])
        init = [tf.constant(d["beam/h"]), tf.constant(d["beam/c"])]
        decoder(*args, initial_state=init, **kwargs)
        cell.set_weights([d[f"{mode}/cell_kernel"], d["beam/cell_recurrent"],
                          d["beam/cell_bias"]])
        dense.set_weights([d["beam/dense_kernel"], d["beam/dense_bias"]])
        outputs, state, lengths = decoder(*args, initial_state=init, **kwargs)
        out[f"{mode}/rnn_output"] = outputs.rnn_output.numpy()
        out[f"{mode}/sample_id"] = outputs.sample_id.numpy()
        out[f"{mode}/h"], out[f"{mode}/c"] = state[0].numpy(), state[1].numpy()
        out[f"{mode}/lengths"] = lengths.numpy()
    # beam search over an attention cell keeping its alignment history
    cell, dense = keras.layers.LSTMCell(6), keras.layers.Dense(6)
    mech = tfa.seq2seq.LuongAttention(6, tfa.seq2seq.tile_batch(d["memory"], 3),
                                      memory_sequence_length=tfa.seq2seq.tile_batch(
                                          tf.constant(d["memory_len"]), 3))
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mech, alignment_history=True)
    beam = tfa.seq2seq.BeamSearchDecoder(wrapper, 3, output_layer=dense,
                                         maximum_iterations=5)

    def search():
        init = wrapper.get_initial_state(batch_size=6, dtype=tf.float32)
        return beam(tf.constant(d["beam/embedding"]), start_tokens=d["beam/start"], end_token=1,
                    initial_state=init)
    search()
    cell.set_weights([d["hist/cell_kernel"], d["hist/cell_recurrent"], d["att/cell_bias"]])
    mech.memory_layer.kernel.assign(d["att/memory_kernel"])
    mech.setup_memory(tfa.seq2seq.tile_batch(d["memory"], 3),
                      memory_sequence_length=tfa.seq2seq.tile_batch(
                          tf.constant(d["memory_len"]), 3))
    dense.set_weights([d["hist/dense"], d["beam/dense_bias"]])
    final, state, _ = search()
    out["hist/ids"] = final.predicted_ids.numpy()
    out["hist/history"] = np.asarray(state.cell_state.alignment_history)   # sorted, stacked
    # beam search with length and coverage penalties over an attention cell
    cell, dense = keras.layers.LSTMCell(6), keras.layers.Dense(6)
    mech = tfa.seq2seq.BahdanauAttention(6, tfa.seq2seq.tile_batch(d["memory"], 3),
                                         memory_sequence_length=tfa.seq2seq.tile_batch(
                                             tf.constant(d["memory_len"]), 3))
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mech, attention_layer_size=3)
    beam = tfa.seq2seq.BeamSearchDecoder(wrapper, 3, output_layer=dense,
                                         length_penalty_weight=0.3,
                                         coverage_penalty_weight=0.7, maximum_iterations=6)

    def search():
        init = wrapper.get_initial_state(batch_size=6, dtype=tf.float32)
        return beam(tf.constant(d["beam/embedding"]), start_tokens=d["beam/start"], end_token=3,
                    initial_state=init)
    search()
    cell.set_weights([d["hist/cell_kernel"], d["hist/cell_recurrent"], d["att/cell_bias"]])
    for key, w in _mechanism_weights(mech).items():
        w.assign(d[f"bahdanau/{key}"])
    mech.setup_memory(tfa.seq2seq.tile_batch(d["memory"], 3),
                      memory_sequence_length=tfa.seq2seq.tile_batch(
                          tf.constant(d["memory_len"]), 3))
    wrapper._attention_layers[0].kernel.assign(d["cov/attention_kernel"])
    dense.set_weights([d["hist/dense"], d["beam/dense_bias"]])
    final, state, _ = search()
    out["cov/ids"] = final.predicted_ids.numpy()
    out["cov/scores"] = final.beam_search_decoder_output.scores.numpy()
    out["cov/accumulated"] = np.asarray(state.accumulated_attention_probs)
    for name, flags in (("sum_both", dict(average_across_timesteps=False,
                                          average_across_batch=False, sum_over_timesteps=True,
                                          sum_over_batch=True)),
                        ("sum_time", dict(average_across_timesteps=False,
                                          average_across_batch=False,
                                          sum_over_timesteps=True)),
                        ("sum_batch", dict(average_across_timesteps=False,
                                           average_across_batch=False, sum_over_batch=True)),
                        ("avg_both", {}), ("avg_time", dict(average_across_batch=False)),
                        ("avg_batch", dict(average_across_timesteps=False))):
        out[f"loss/{name}"] = tfa.seq2seq.sequence_loss(
            d["loss/logits"], d["loss/targets"], d["loss/weights"], **flags).numpy()
    return out


def test_matches_tensorflow_addons(tmp_path):
    """NDFLOW_TFA_PYTHON: a Python with TensorFlow 2, tf_keras and tensorflow_addons
    (NDFLOW_TFA_PYTHONPATH is added to its path only)."""
    import os
    import subprocess
    python = os.environ.get("NDFLOW_TFA_PYTHON")
    if not python:
        pytest.skip("NDFLOW_TFA_PYTHON (a Python with tensorflow_addons) is not set")
    d = _reference_inputs()
    np.savez(tmp_path / "in.npz", **d)
    env = dict(os.environ, PYTHONPATH=os.environ.get("NDFLOW_TFA_PYTHONPATH", ""))
    script = os.path.join(os.path.dirname(__file__), "tfa_reference_cases.py")
    subprocess.run([python, script, str(tmp_path / "in.npz"), str(tmp_path / "out.npz")],
                   check=True, env=env, capture_output=True, timeout=600)
    ref = dict(np.load(tmp_path / "out.npz"))
    got = _ndflow_cases(d)
    # TensorFlow Addons 0.23 sorts a beam search's alignment history along other beams than
    # the ones the final beams went through (its rows then do not match a teacher-forced
    # rerun of the final beams, which ndflow's do:
    # test_beam_search_alignment_history_follows_each_final_beam)
    got.pop("hist/history"), ref.pop("hist/history")
    # With all beams finished before the last step, TensorFlow Addons spells the beams out
    # from the last step any beam was alive, ignoring how later steps reordered them; ndflow
    # reads back from the last step, so beam k is the one scored scores[:, -1, k]. The same
    # beams come out: compare them as sets.
    for key in ("cov/ids",):
        got[key], ref[key] = (np.array([sorted(map(tuple, x[b].T)) for b in range(len(x))])
                              for x in (got[key], ref[key]))
    assert sorted(got) == sorted(ref)
    mismatched = []
    for key in sorted(ref):
        if got[key].shape != ref[key].shape or not np.allclose(got[key], ref[key], rtol=1e-4,
                                                               atol=1e-5, equal_nan=True):
            mismatched.append(f"{key}: ndflow {got[key].tolist()} tfa {ref[key].tolist()}")
    assert not mismatched, "\n".join(mismatched)


def test_public_names_have_docstrings():
    import inspect
    import ndflow.compat.v1 as v1
    missing = []
    namespaces = [tfa, tfa.seq2seq] + [getattr(tfa.seq2seq, m) for m in (
        "sampler", "decoder", "basic_decoder", "beam_search_decoder", "attention_wrapper",
        "loss")]
    for ns in namespaces:
        names = getattr(ns, "__all__", None) or [n for n in vars(ns) if not n.startswith("_")]
        for name in names:
            obj = getattr(ns, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismodule(obj)) \
                    and not (obj.__doc__ or "").strip():
                missing.append(f"{ns.__name__}.{name}")
    for name, obj in vars(v1.contrib.seq2seq).items():
        if not (getattr(obj, "__doc__", None) or "").strip():
            missing.append(f"tf.contrib.seq2seq.{name}")
    assert not missing


def test_hardmax_attention_picks_the_best_memory_position():
    np.testing.assert_array_equal(tfa.seq2seq.hardmax([[1.0, 3.0, 2.0]]).numpy(), [[0, 1, 0]])
    memory = np.random.default_rng(13).standard_normal((2, 4, 3)).astype(np.float32)
    mech = tfa.seq2seq.LuongAttention(3, memory, memory_sequence_length=[4, 2],
                                      probability_fn="hardmax")
    align, _ = mech([tf.ones([2, 3]), tf.zeros([2, 4])])
    a = align.numpy()
    assert np.all(a.sum(-1) == 1) and np.all(a[1, 2:] == 0)


def test_beam_search_alignment_history_follows_each_final_beam():
    """Row k of the sorted history is what the attention cell gives when fed final beam
    k's own tokens (teacher forcing)."""
    rng = np.random.default_rng(14)
    batch, beams, vocab = 2, 3, 6
    memory = rng.standard_normal((batch, 5, 3)).astype(np.float32)
    lengths = np.array([5, 3], np.int32)
    emb = rng.standard_normal((vocab, 3)).astype(np.float32)
    cell, dense = keras.layers.LSTMCell(6), keras.layers.Dense(vocab)
    mech = tfa.seq2seq.LuongAttention(
        6, tfa.seq2seq.tile_batch(tf.constant(memory), beams),
        memory_sequence_length=tfa.seq2seq.tile_batch(tf.constant(lengths), beams))
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mech, alignment_history=True)
    beam = tfa.seq2seq.BeamSearchDecoder(wrapper, beams, output_layer=dense,
                                         maximum_iterations=5)
    final, state, _ = beam(tf.constant(emb), start_tokens=tf.constant([0, 2]), end_token=1,
                           initial_state=wrapper.get_initial_state(batch_size=batch * beams,
                                                                   dtype=tf.float32))
    ids, history = final.predicted_ids.numpy(), state.cell_state.alignment_history.numpy()
    assert history.shape == (ids.shape[1], batch * beams, 5)
    mech.setup_memory(tf.constant(memory), memory_sequence_length=tf.constant(lengths))
    forced = tfa.seq2seq.BasicDecoder(wrapper, tfa.seq2seq.TrainingSampler(),
                                      output_layer=dense)
    steps = ids.shape[1]
    for k in range(beams):
        tokens = np.concatenate([[[0], [2]], ids[:, :-1, k]], 1)
        _, st, _ = forced(tf.constant(emb[tokens]), initial_state=wrapper.get_initial_state(
            batch_size=batch, dtype=tf.float32), sequence_length=tf.constant([steps] * 2))
        rerun = st.alignment_history.stack().numpy()
        for b in range(batch):
            np.testing.assert_allclose(history[:, b * beams + k], rerun[:, b], rtol=1e-5,
                                       atol=1e-6)


@pytest.mark.parametrize("attention", [False, True])
def test_functional_decoder_models_save_and_load(tmp_path, attention):
    vocab = 7
    enc_in = keras.layers.Input(shape=[None], dtype="int32")
    dec_in = keras.layers.Input(shape=[None], dtype="int32")
    lengths = keras.layers.Input(shape=[], dtype="int32")
    emb = keras.layers.Embedding(vocab, 8)
    enc_out, h, c = keras.layers.LSTM(16, return_sequences=True, return_state=True)(emb(enc_in))
    if attention:
        mech = tfa.seq2seq.LuongAttention(16, enc_out, memory_sequence_length=lengths,
                                          scale=True)
        cell = tfa.seq2seq.AttentionWrapper(keras.layers.LSTMCell(16), mech,
                                            attention_layer_size=16)
        init = cell.get_initial_state(inputs=h, dtype=tf.float32).clone(cell_state=[h, c])
    else:
        cell, init = keras.layers.LSTMCell(16), [h, c]
    decoder = tfa.seq2seq.BasicDecoder(cell, tfa.seq2seq.TrainingSampler(),
                                       output_layer=keras.layers.Dense(vocab))
    outputs, _, _ = decoder(emb(dec_in), initial_state=init, sequence_length=lengths)
    model = keras.Model([enc_in, dec_in, lengths],
                        keras.layers.Activation("softmax")(outputs.rnn_output))
    rng = np.random.default_rng(16)
    x = [rng.integers(3, vocab, (3, 4)).astype(np.int32),
         rng.integers(3, vocab, (3, 4)).astype(np.int32), np.array([4, 3, 2], np.int32)]
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)


def test_sequence_loss_as_the_compiled_loss_and_a_default_initial_state():
    tf.random.set_seed(5)
    ids = keras.layers.Input(shape=[None], dtype="int32")
    decoder = tfa.seq2seq.BasicDecoder(keras.layers.LSTMCell(16), tfa.seq2seq.TrainingSampler(),
                                       output_layer=keras.layers.Dense(6))
    outputs, _, _ = decoder(keras.layers.Embedding(6, 8)(ids))   # no initial_state: zeros
    model = keras.Model(ids, outputs.rnn_output)
    model.compile(loss=tfa.seq2seq.SequenceLoss(), optimizer=keras.optimizers.Adam(0.02))
    x = np.random.default_rng(19).integers(0, 6, (256, 5)).astype(np.int32)
    history = model.fit(x, x, epochs=3, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
