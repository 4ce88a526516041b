"""Runs the seq2seq reference cases on TensorFlow Addons (run by the Python that has it,
with TensorFlow 2 and tf_keras): `python tfa_reference_cases.py inputs.npz outputs.npz`.

The cases (shared with test_addons_seq2seq.py) take every input and weight from the npz,
so ndflow and TensorFlow Addons compute the same functions.
"""
import os
import sys

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_tfa():
    import numpy as np
    import tensorflow as tf
    if not hasattr(np, "Inf"):   # tfa 0.23's beam search predates NumPy 2
        np.Inf = np.inf
    import tf_keras
    # tfa 0.23 imports Keras 2 by the name `keras`; TF 2.16+ ships Keras 3 under that name
    sys.modules["keras"] = tf_keras
    import tf_keras.src as src
    import tf_keras.src.engine as engine
    sys.modules["keras.src"], sys.modules["keras.src.engine"] = src, engine
    import tensorflow_addons as tfa
    return tf, tfa


def _mechanism_weights(mech):
    """`memory_layer/kernel`, `query_layer/kernel`, `attention_v`... -> the variables."""
    found = {"memory_layer/kernel": mech.memory_layer.kernel}
    if mech.query_layer is not None:
        found["query_layer/kernel"] = mech.query_layer.kernel
    for w in mech.weights:
        name = w.name.split(":")[0].split("/")[-1]
        if name.startswith("attention_"):
            found[name] = w
    return found


def run(d):
    tf, tfa = _import_tfa()
    out = {}
    # attention alignments
    for kind in ("bahdanau", "bahdanau_norm", "luong", "luong_scale"):
        if kind.startswith("bahdanau"):
            mech = tfa.seq2seq.BahdanauAttention(6, normalize=kind.endswith("norm"))
        else:
            mech = tfa.seq2seq.LuongAttention(6, scale=kind.endswith("scale"))
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        query = d["query6"]
        state = tf.zeros([2, 5])
        mech([query, state])
        for key, w in _mechanism_weights(mech).items():
            w.assign(d[f"{kind}/{key}"])
        mech.setup_memory(d["memory"], memory_sequence_length=d["memory_len"])
        align, _ = mech([query, state])
        out[f"{kind}/align"] = align.numpy()
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
    # an attention decoder with the training sampler
    cell = tf.keras.layers.LSTMCell(6)
    mech = tfa.seq2seq.LuongAttention(6, d["memory"], memory_sequence_length=d["memory_len"])
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mech, attention_layer_size=4,
                                           alignment_history=True)
    dense = tf.keras.layers.Dense(7)
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
    # beam search over an LSTM with an output layer
    for weight in (0.0, 1.0):
        cell = tf.keras.layers.LSTMCell(5)
        dense = tf.keras.layers.Dense(6)
        beam = tfa.seq2seq.BeamSearchDecoder(cell, 3, output_layer=dense,
                                             length_penalty_weight=weight,
                                             maximum_iterations=6)
        init = tfa.seq2seq.tile_batch([d["beam/h"], d["beam/c"]], 3)

        def search():
            return beam(d["beam/embedding"], start_tokens=d["beam/start"], end_token=1,
                        initial_state=init)
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
        cell, dense = tf.keras.layers.LSTMCell(5), tf.keras.layers.Dense(6)
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
    cell, dense = tf.keras.layers.LSTMCell(6), tf.keras.layers.Dense(6)
    mech = tfa.seq2seq.LuongAttention(6, tfa.seq2seq.tile_batch(d["memory"], 3),
                                      memory_sequence_length=tfa.seq2seq.tile_batch(
                                          d["memory_len"], 3))
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
                      memory_sequence_length=tfa.seq2seq.tile_batch(d["memory_len"], 3))
    dense.set_weights([d["hist/dense"], d["beam/dense_bias"]])
    final, state, _ = search()
    out["hist/ids"] = final.predicted_ids.numpy()
    out["hist/history"] = np.asarray(state.cell_state.alignment_history)   # sorted, stacked
    # beam search with length and coverage penalties over an attention cell
    cell, dense = tf.keras.layers.LSTMCell(6), tf.keras.layers.Dense(6)
    mech = tfa.seq2seq.BahdanauAttention(6, tfa.seq2seq.tile_batch(d["memory"], 3),
                                         memory_sequence_length=tfa.seq2seq.tile_batch(
                                             d["memory_len"], 3))
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
                      memory_sequence_length=tfa.seq2seq.tile_batch(d["memory_len"], 3))
    wrapper._attention_layers[0].kernel.assign(d["cov/attention_kernel"])
    dense.set_weights([d["hist/dense"], d["beam/dense_bias"]])
    final, state, _ = search()
    out["cov/ids"] = final.predicted_ids.numpy()
    out["cov/scores"] = final.beam_search_decoder_output.scores.numpy()
    out["cov/accumulated"] = np.asarray(state.accumulated_attention_probs)
    # sequence loss flags
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


if __name__ == "__main__":
    inputs = dict(np.load(sys.argv[1]))
    np.savez(sys.argv[2], **run(inputs))
