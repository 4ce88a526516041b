"""TensorFlow's "Simple audio recognition" tutorial, written from memory as a user would,
on a tiny synthetic speech-commands folder (two classes of noisy tones, 16 kHz, 0.5 s WAV
files written here): audio_dataset_from_directory, squeeze, stft spectrograms in
Dataset.map, Resizing + Normalization.adapt + a Conv2D model, fit, evaluate, predict and a
confusion matrix, then the tutorial's export step (read_file + decode_wav on one file)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow.keras import layers, models

RATE, SECONDS, PER_CLASS = 16000, 0.5, 24


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mini_speech_commands")
    rng = np.random.RandomState(0)
    t = np.arange(int(RATE * SECONDS)) / RATE
    for label, (low, high) in {"down": (300, 500), "go": (1800, 2400)}.items():
        os.makedirs(root / label)
        for i in range(PER_CLASS):
            tone = np.sin(2 * np.pi * rng.uniform(low, high) * t + rng.uniform(0, 6.3))
            wave = 0.4 * tone * rng.uniform(0.5, 1.0) + 0.1 * rng.randn(t.size)
            start = rng.randint(0, t.size // 4)  # some files are shorter than 0.5 s
            clip = wave[start:].astype(np.float32)[:, None]
            (root / label / f"{i:03d}.wav").write_bytes(tf.audio.encode_wav(clip, RATE).numpy())
    return str(root)


def get_spectrogram(waveform):
    spectrogram = tf.signal.stft(waveform, frame_length=255, frame_step=128)
    spectrogram = tf.abs(spectrogram)
    return spectrogram[..., tf.newaxis]


def squeeze(audio, labels):
    return tf.squeeze(audio, axis=-1), labels


def make_spec_ds(ds):
    return ds.map(map_func=lambda audio, label: (get_spectrogram(audio), label),
                  num_parallel_calls=tf.data.AUTOTUNE)


def test_simple_audio_tutorial(data_dir):
    tf.keras.utils.set_random_seed(0)
    train_ds, val_ds = tf.keras.utils.audio_dataset_from_directory(
        directory=data_dir, batch_size=8, validation_split=0.25, seed=0,
        output_sequence_length=int(RATE * SECONDS), subset="both")
    label_names = np.array(train_ds.class_names)
    assert list(label_names) == ["down", "go"]
    assert train_ds.element_spec[0].shape.as_list() == [None, 8000, None]

    train_ds = train_ds.map(squeeze, tf.data.AUTOTUNE)
    val_ds = val_ds.map(squeeze, tf.data.AUTOTUNE)
    test_ds = val_ds.shard(num_shards=2, index=0)
    val_ds = val_ds.shard(num_shards=2, index=1)
    for example_audio, example_labels in train_ds.take(1):
        assert example_audio.shape == (8, 8000) and example_labels.shape == (8,)

    spectrogram = get_spectrogram(example_audio[0])
    assert spectrogram.shape == (61, 129, 1) and spectrogram.dtype == tf.float32

    train_spectrogram_ds = make_spec_ds(train_ds)
    val_spectrogram_ds = make_spec_ds(val_ds)
    test_spectrogram_ds = make_spec_ds(test_ds)
    for example_spectrograms, example_spect_labels in train_spectrogram_ds.take(1):
        break
    train_spectrogram_ds = train_spectrogram_ds.cache().shuffle(1000).prefetch(
        tf.data.AUTOTUNE)
    val_spectrogram_ds = val_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)
    test_spectrogram_ds = test_spectrogram_ds.cache().prefetch(tf.data.AUTOTUNE)

    input_shape = example_spectrograms.shape[1:]
    num_labels = len(label_names)
    norm_layer = layers.Normalization()
    norm_layer.adapt(data=train_spectrogram_ds.map(map_func=lambda spec, label: spec))
    model = models.Sequential([
        layers.Input(shape=input_shape),
        layers.Resizing(32, 32),
        norm_layer,
        layers.Conv2D(8, 3, activation="relu"),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(num_labels),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(train_spectrogram_ds, validation_data=val_spectrogram_ds, epochs=8,
                        # (the tutorial passes the callback alone, not in a list: see
                        # test_fit_takes_a_single_callback below)
                        callbacks=[tf.keras.callbacks.EarlyStopping(verbose=0, patience=3)],
                        verbose=0)
    assert history.history["accuracy"][-1] >= 0.9, history.history
    result = model.evaluate(test_spectrogram_ds, return_dict=True, verbose=0)
    assert result["accuracy"] >= 0.8, result

    y_pred = tf.argmax(model.predict(test_spectrogram_ds, verbose=0), axis=1)
    y_true = tf.concat(list(test_spectrogram_ds.map(lambda s, lab: lab)), axis=0)
    confusion_mtx = tf.math.confusion_matrix(y_true, y_pred)
    assert int(tf.reduce_sum(confusion_mtx)) == int(tf.size(y_true))

    # the tutorial's export step: one file through read_file and decode_wav
    x = tf.io.read_file(os.path.join(data_dir, "go", "000.wav"))
    x, sample_rate = tf.audio.decode_wav(x, desired_channels=1, desired_samples=16000)
    assert int(sample_rate) == RATE and x.shape == (16000, 1)
    x = tf.squeeze(x, axis=-1)[tf.newaxis, :8000]
    prediction = tf.nn.softmax(model(get_spectrogram(x)))
    assert label_names[int(tf.argmax(prediction[0]))] == "go"


def test_fit_takes_a_single_callback():  # the tutorial passes one, not a list
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0,
              callbacks=tf.keras.callbacks.EarlyStopping(monitor="loss", patience=2))
