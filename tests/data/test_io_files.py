"""tf.io and file datasets: TFRecord framing (read TensorFlow's files, written files read
back), compression, corruption errors, tf.train.Example parsing, CSV."""
import gzip
import os
import struct

import pytest

import ndflow as tf
from ndflow.framework import errors
from ndflow.io import crc32c

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
DESC = {"id": tf.io.FixedLenFeature([], tf.int64), "x": tf.io.FixedLenFeature([2], tf.float32),
        "name": tf.io.FixedLenFeature([], tf.string), "tags": tf.io.VarLenFeature(tf.int64)}


def test_crc32c_check_value_and_mask():
    assert crc32c.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert crc32c._python_crc32c(b"a" * 37) == crc32c.crc32c(b"a" * 37)


@pytest.mark.parametrize("suffix,compression", [("", None), (".gz", "GZIP"), (".zlib", "ZLIB")])
def test_reads_tensorflow_files_and_parses_examples(suffix, compression):
    path = os.path.join(FIXTURES, "examples.tfrecord" + suffix)
    ds = tf.data.TFRecordDataset(path, compression_type=compression)
    assert ds.element_spec == tf.TensorSpec([], tf.string)
    parsed = list(ds.map(lambda r: tf.io.parse_single_example(r, DESC)))
    assert [int(p["id"]) for p in parsed] == [0, 1, 2]
    assert parsed[2]["x"].numpy().tolist() == [1.0, -2.0]
    assert parsed[1]["name"].numpy() == b"row1"
    tags = parsed[2]["tags"]
    assert tags.indices.numpy().tolist() == [[0], [1]] and tags.values.numpy().tolist() == [0, 1]
    assert tags.dense_shape.numpy().tolist() == [2]
    batch = tf.io.parse_example(list(ds.as_numpy_iterator()), DESC)
    assert batch["tags"].indices.numpy().tolist() == [[1, 0], [2, 0], [2, 1]]
    assert batch["tags"].dense_shape.numpy().tolist() == [3, 2]
    assert batch["x"].numpy().tolist() == [[0.0, 0.0], [0.5, -1.0], [1.0, -2.0]]


def test_writer_round_trip_matches_tensorflow_bytes(tmp_path):
    path = str(tmp_path / "out.tfrecord")
    with open(os.path.join(FIXTURES, "examples.tfrecord"), "rb") as f:
        reference = f.read()
    records = list(tf.io.tf_record_iterator(os.path.join(FIXTURES, "examples.tfrecord")))
    with tf.io.TFRecordWriter(path) as w:
        for r in records:
            w.write(r)
    with open(path, "rb") as f:
        assert f.read() == reference  # same framing, byte for byte
    gz = str(tmp_path / "out.tfrecord.gz")
    with tf.io.TFRecordWriter(gz, tf.io.TFRecordOptions(compression_type="GZIP")) as w:
        w.write(b"hello")
    assert gzip.decompress(open(gz, "rb").read())[12:17] == b"hello"
    assert [r.numpy() for r in tf.data.TFRecordDataset(gz, "GZIP")] == [b"hello"]


def test_corrupt_and_truncated_records_raise_data_loss(tmp_path):
    good = open(os.path.join(FIXTURES, "examples.tfrecord"), "rb").read()
    (length,) = struct.unpack("<Q", good[:8])
    bad = bytearray(good)
    bad[12 + length + 16 + 3] ^= 0xFF  # a byte of the second record's data
    path = str(tmp_path / "bad.tfrecord")
    open(path, "wb").write(bytes(bad))
    with pytest.raises(errors.DataLossError, match=f"bad.tfrecord.*offset {12 + length + 4}"):
        list(tf.data.TFRecordDataset(path))
    cut = str(tmp_path / "cut.tfrecord")
    open(cut, "wb").write(good[:-5])
    with pytest.raises(errors.DataLossError, match="truncated record"):
        list(tf.data.TFRecordDataset(cut))
    with pytest.raises(errors.NotFoundError):
        list(tf.data.TFRecordDataset(str(tmp_path / "missing.tfrecord")))


def test_example_protos_and_writing_examples(tmp_path):
    ex = tf.train.Example(features=tf.train.Features(feature={
        "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[7])),
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2.5])),
        "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"seven"])),
        "tags": tf.train.Feature(int64_list=tf.train.Int64List(value=[])),
    }))
    parsed = tf.io.parse_single_example(ex.SerializeToString(), DESC)
    assert int(parsed["id"]) == 7 and parsed["x"].numpy().tolist() == [1.5, 2.5]
    with pytest.raises(errors.InvalidArgumentError, match="missing|required"):
        tf.io.parse_single_example(ex.SerializeToString(),
                                   {"nope": tf.io.FixedLenFeature([], tf.int64)})
    dflt = tf.io.parse_single_example(ex.SerializeToString(),
                                      {"nope": tf.io.FixedLenFeature([], tf.int64, -1)})
    assert int(dflt["nope"]) == -1


def test_text_line_dataset_and_list_files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"one\r\ntwo\nthree")
    b.write_bytes(b"four\n")
    lines = tf.data.TextLineDataset([str(a), str(b)])
    assert list(lines.as_numpy_iterator()) == [b"one", b"two", b"three", b"four"]
    mixed = tf.data.TextLineDataset([str(a), str(b)], num_parallel_reads=2)
    assert list(mixed.as_numpy_iterator()) == [b"one", b"four", b"two", b"three"]
    files = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert [os.path.basename(f) for f in files.as_numpy_iterator()] == [b"a.txt", b"b.txt"]
    with pytest.raises(errors.InvalidArgumentError, match="No files matched"):
        tf.data.Dataset.list_files(str(tmp_path / "*.csv"))
    assert list(files.interleave(tf.data.TextLineDataset, cycle_length=1)
                .as_numpy_iterator())[-1] == b"four"


def test_decode_csv_as_tensorflow():
    cols = tf.io.decode_csv(["1,2.5,a", ",,"], [[0], [1.0], ["z"]])
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string]
    assert cols[0].numpy().tolist() == [1, 0] and cols[1].numpy().tolist() == [2.5, 1.0]
    assert cols[2].numpy().tolist() == [b"a", b"z"]
    with pytest.raises(errors.InvalidArgumentError, match="Field 0 is required"):
        tf.io.decode_csv([","], [tf.constant([], tf.int32), [0]])
    with pytest.raises(errors.InvalidArgumentError, match="Expect 2 fields but have 3"):
        tf.io.decode_csv(["1,2,3"], [[0], [0]])


def test_csv_dataset_and_make_csv_dataset(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,age,score\nann,31,1.5\nbob,,2.5\ncid,40,3.0\n")
    ds = tf.data.experimental.CsvDataset(str(path), [tf.string, [0], tf.float32], header=True)
    assert [tuple(r) for r in ds.as_numpy_iterator()] == [(b"ann", 31, 1.5), (b"bob", 0, 2.5),
                                                          (b"cid", 40, 3.0)]
    batches = tf.data.experimental.make_csv_dataset(str(path), batch_size=3, label_name="score",
                                                    num_epochs=1, shuffle=False)
    features, label = next(iter(batches))
    assert sorted(features) == ["age", "name"] and features["age"].dtype == tf.int32
    assert label.numpy().tolist() == [1.5, 2.5, 3.0]


def test_read_and_write_file_ops(tmp_path):
    path = str(tmp_path / "blob.bin")
    tf.io.write_file(path, b"\x00\x01bytes")
    assert tf.io.read_file(path).numpy() == b"\x00\x01bytes"
    ds = tf.data.Dataset.from_tensor_slices([path]).map(tf.io.read_file)
    assert list(ds.as_numpy_iterator()) == [b"\x00\x01bytes"]
    assert tf.io.gfile.exists(path) and tf.io.gfile.listdir(str(tmp_path)) == ["blob.bin"]
