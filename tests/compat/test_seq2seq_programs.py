"""Two user programs written as their authors write them: a TF1 NMT-tutorial-style toy
(tf.contrib.seq2seq with attention, greedy and beam-search inference) and Geron's HOML 2nd
ed. ch. 16 TensorFlow Addons encoder-decoder (a Functional model trained with fit)."""
import time

import numpy as np

PAD, GO, EOS, FIRST, VOCAB = 0, 1, 2, 3, 8


def _reverse_task(rng, n, length):
    src = rng.integers(FIRST, VOCAB, size=(n, length)).astype(np.int32)
    tgt = np.concatenate([src[:, ::-1], np.full((n, 1), EOS, np.int32)], 1)
    dec_in = np.concatenate([np.full((n, 1), GO, np.int32), tgt[:, :-1]], 1)
    return src, dec_in, tgt


def test_tf1_nmt_style_attention_model_learns_to_reverse():
    import ndflow.compat.v1 as tf
    rng = np.random.default_rng(0)
    units, length, batch = 32, 4, 32
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        src = tf.placeholder(tf.int32, [None, None], name="src")
        dec_in = tf.placeholder(tf.int32, [None, None], name="dec_in")
        tgt = tf.placeholder(tf.int32, [None, None], name="tgt")
        src_len = tf.placeholder(tf.int32, [None], name="src_len")
        tgt_len = tf.placeholder(tf.int32, [None], name="tgt_len")
        batch_size = tf.shape(src)[0]
        embedding = tf.get_variable("embedding", [VOCAB, 16])
        with tf.variable_scope("encoder"):
            enc_cell = tf.nn.rnn_cell.BasicLSTMCell(units)
            enc_out, enc_state = tf.nn.dynamic_rnn(
                enc_cell, tf.nn.embedding_lookup(embedding, src), sequence_length=src_len,
                dtype=tf.float32)
        projection = tf.layers.Dense(VOCAB, use_bias=False, name="output_projection")

        def attention_cell(memory, lengths):
            mechanism = tf.contrib.seq2seq.LuongAttention(units, memory,
                                                          memory_sequence_length=lengths)
            return tf.contrib.seq2seq.AttentionWrapper(
                tf.nn.rnn_cell.BasicLSTMCell(units), mechanism, attention_layer_size=units)

        with tf.variable_scope("decoder") as scope:
            cell = attention_cell(enc_out, src_len)
            init = cell.zero_state(batch_size, tf.float32).clone(cell_state=enc_state)
            helper = tf.contrib.seq2seq.TrainingHelper(
                tf.nn.embedding_lookup(embedding, dec_in), tgt_len)
            decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, init,
                                                      output_layer=projection)
            outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(decoder, scope=scope)
            logits = outputs.rnn_output
            weights = tf.sequence_mask(tgt_len, tf.shape(logits)[1], dtype=tf.float32)
            loss = tf.contrib.seq2seq.sequence_loss(logits, tgt, weights)
            train_op = tf.train.AdamOptimizer(0.02).minimize(loss)
        with tf.variable_scope("decoder", reuse=True) as scope:
            greedy = tf.contrib.seq2seq.BasicDecoder(
                cell, tf.contrib.seq2seq.GreedyEmbeddingHelper(
                    embedding, tf.fill([batch_size], GO), EOS), init, output_layer=projection)
            greedy_out, _, _ = tf.contrib.seq2seq.dynamic_decode(
                greedy, maximum_iterations=length + 1, scope=scope)
        with tf.variable_scope("decoder", reuse=True) as scope:
            beam_width = 3
            beam_cell = attention_cell(tf.contrib.seq2seq.tile_batch(enc_out, beam_width),
                                       tf.contrib.seq2seq.tile_batch(src_len, beam_width))
            beam_init = beam_cell.zero_state(batch_size * beam_width, tf.float32).clone(
                cell_state=tf.contrib.seq2seq.tile_batch(enc_state, beam_width))
            beam = tf.contrib.seq2seq.BeamSearchDecoder(
                beam_cell, embedding, tf.fill([batch_size], GO), EOS, beam_init, beam_width,
                output_layer=projection)
            beam_out, _, _ = tf.contrib.seq2seq.dynamic_decode(
                beam, maximum_iterations=length + 1, scope=scope)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            start = time.process_time()
            for _ in range(150):
                s, d, t = _reverse_task(rng, batch, length)
                sess.run(train_op, {src: s, dec_in: d, tgt: t, src_len: [length] * batch,
                                    tgt_len: [length + 1] * batch})
            train_cpu = time.process_time() - start
            s, d, t = _reverse_task(rng, 64, length)
            names = tf.trainable_variables()
            ids, beams = sess.run([greedy_out.sample_id, beam_out.predicted_ids],
                                  {src: s, src_len: [length] * 64})
    # the inference decoders reuse the training variables (no "_1" copies)
    assert sorted(v.name for v in names) == [
        "decoder/attention_wrapper/attention_layer/kernel:0",
        "decoder/attention_wrapper/basic_lstm_cell/bias:0",
        "decoder/attention_wrapper/basic_lstm_cell/kernel:0",
        "decoder/memory_layer/kernel:0", "decoder/output_projection/kernel:0",
        "embedding:0", "encoder/rnn/basic_lstm_cell/bias:0",
        "encoder/rnn/basic_lstm_cell/kernel:0"]
    greedy_acc = (ids[:, :length + 1] == t).mean()
    beam_acc = (beams[:, :length + 1, 0] == t).mean()
    print(f"train CPU {train_cpu:.1f}s, greedy accuracy {greedy_acc:.3f}, beam {beam_acc:.3f}")
    assert greedy_acc > 0.9 and beam_acc > 0.9


def test_homl_ch16_tfa_encoder_decoder_functional_model_trains_with_fit():
    import ndflow as tf
    from ndflow import keras
    import ndflow.addons as tfa
    tf.random.set_seed(42)
    rng = np.random.default_rng(1)
    vocab_size, embed_size, length = VOCAB, 10, 3
    encoder_inputs = keras.layers.Input(shape=[None], dtype=np.int32)
    decoder_inputs = keras.layers.Input(shape=[None], dtype=np.int32)
    sequence_lengths = keras.layers.Input(shape=[], dtype=np.int32)
    embeddings = keras.layers.Embedding(vocab_size, embed_size)
    encoder_embeddings = embeddings(encoder_inputs)
    decoder_embeddings = embeddings(decoder_inputs)
    encoder = keras.layers.LSTM(32, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_embeddings)
    encoder_state = [state_h, state_c]
    sampler = tfa.seq2seq.sampler.TrainingSampler()
    decoder_cell = keras.layers.LSTMCell(32)
    output_layer = keras.layers.Dense(vocab_size)
    decoder = tfa.seq2seq.basic_decoder.BasicDecoder(decoder_cell, sampler,
                                                     output_layer=output_layer)
    final_outputs, final_state, final_sequence_lengths = decoder(
        decoder_embeddings, initial_state=encoder_state, sequence_length=sequence_lengths)
    Y_proba = tf.nn.softmax(final_outputs.rnn_output)
    model = keras.models.Model(inputs=[encoder_inputs, decoder_inputs, sequence_lengths],
                               outputs=[Y_proba])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(0.02))
    X, X_decoder, Y = _reverse_task(rng, 1024, length)
    seq_lengths = np.full([1024], length + 1, np.int32)
    start = time.process_time()
    history = model.fit([X, X_decoder, seq_lengths], Y, epochs=6, batch_size=64, verbose=0)
    train_cpu = time.process_time() - start
    X, X_decoder, Y = _reverse_task(rng, 128, length)
    proba = model.predict([X, X_decoder, np.full([128], length + 1, np.int32)], verbose=0)
    acc = (proba.argmax(-1) == Y).mean()
    print(f"fit CPU {train_cpu:.1f}s, losses {history.history['loss']}, accuracy {acc:.3f}")
    assert len(model.trainable_weights) == 9
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert acc > 0.9
    # inference: greedy and beam search with the trained layers, eagerly
    state = encoder(embeddings(tf.constant(X)))[1:]
    greedy = tfa.seq2seq.BasicDecoder(decoder_cell, tfa.seq2seq.GreedyEmbeddingSampler(),
                                      output_layer=output_layer,
                                      maximum_iterations=length + 1)
    out, _, _ = greedy(embeddings.variables[0], start_tokens=tf.fill([128], GO),
                       end_token=EOS, initial_state=state)
    assert (out.sample_id.numpy()[:, :length + 1] == Y).mean() > 0.9
    beam_width = 3
    beam = tfa.seq2seq.beam_search_decoder.BeamSearchDecoder(
        cell=decoder_cell, beam_width=beam_width, output_layer=output_layer,
        maximum_iterations=length + 1)
    beam_state = tfa.seq2seq.beam_search_decoder.tile_batch(state, multiplier=beam_width)
    outputs, _, _ = beam(embeddings.variables[0], start_tokens=tf.fill([128], GO),
                         end_token=EOS, initial_state=beam_state)
    assert outputs.predicted_ids.shape[0] == 128 and outputs.predicted_ids.shape[2] == 3
    assert (outputs.predicted_ids.numpy()[:, :length + 1, 0] == Y).mean() > 0.9
