"""tf.random.Generator against TensorFlow 2.21: the same seeds give the same states and
numbers (normal, uniform floats and ints, full-range ints, truncated normal, make_seeds,
split, skip, reset, key/counter states, draws inside tf.function). TENSORFLOW holds
TensorFlow's lines for `_lines` (run with `tensorflow` in place of ndflow)."""
import numpy as np
import pytest

import ndflow as tf

TENSORFLOW = [
    'state0 [1234    0    0] 1',
    'normal [0.9356608986854553, 1.0854305028915405, -0.937883734703064, -0.5061547160148621, 1.3169702291488647]',
    'state1 [2514    0    0]',
    'uniform [0.12601232528686523, 0.9137699604034424, 0.908308744430542] [3282    0    0]',
    'uint [6, 9, 0, 0] [4306    0    0]',
    'full [6684997737015905965, -571774197512731970] [4818    0    0]',
    'trunc [-1.2584242820739746, -0.06602971255779266, -1.4724947214126587] [5586    0    0]',
    'seeds [[-6148173427697408052, -9003098517762259782], [0, 0]] [6098    0    0]',
    'split [[0, 0, 5796473010014489708], [0, 0, -8160839781151359880]] [6610    0    0]',
    'g2normal [-0.7988772392272949, 1.1907036304473877]',
    'skip [9170    0    0]',
    'reset [7 0 0] [-1.3240395784378052, 0.28785666823387146]',
    'big [-9223372036854775803                    0                    0]',
    'kc [4 5 3] [1.0327999591827393, 0.7812212109565735]',
    '[0.544110119342804, 0.20738030970096588]',
    'fn [0.43116673827171326, -1.4442064762115479] [-0.4969542622566223, 1.3529549837112427] [1543    0    0]',
    'f64 [-0.9769604074587969, -2.174120571865861]',
    'ms [3.876845359802246, 1.9312031269073486]',
    'ui64 [868, 51, 929]',
    'u_range [3.5124659538269043, 0.7345576286315918, 0.048413753509521484]',
]


def _lines():
    out = []

    def say(*values):
        out.append(" ".join(str(v) for v in values))

    g = tf.random.Generator.from_seed(1234)
    say("state0", g.state.numpy(), g.algorithm)
    say("normal", g.normal([5]).numpy().tolist())
    say("state1", g.state.numpy())
    say("uniform", g.uniform([3]).numpy().tolist(), g.state.numpy())
    say("uint", g.uniform([4], 0, 10, dtype=tf.int32).numpy().tolist(), g.state.numpy())
    say("full", g.uniform_full_int([2], tf.int64).numpy().tolist(), g.state.numpy())
    say("trunc", g.truncated_normal([3]).numpy().tolist(), g.state.numpy())
    say("seeds", g.make_seeds(2).numpy().tolist(), g.state.numpy())
    children = g.split(2)
    say("split", [x.state.numpy().tolist() for x in children], g.state.numpy())
    say("g2normal", children[0].normal([2]).numpy().tolist())
    g.skip(10)
    say("skip", g.state.numpy())
    g.reset_from_seed(7)
    say("reset", g.state.numpy(), g.normal([2]).numpy().tolist())
    say("big", tf.random.Generator.from_seed(2**63 + 5).state.numpy())
    keyed = tf.random.Generator.from_key_counter(key=3, counter=[4, 5], alg="philox")
    say("kc", keyed.state.numpy(), keyed.normal([2]).numpy().tolist())
    say(tf.random.stateless_normal([2], seed=[1, 2]).numpy().tolist())
    draw = tf.function(lambda: g.normal([2]))
    say("fn", draw().numpy().tolist(), draw().numpy().tolist(), g.state.numpy())
    say("f64", tf.random.Generator.from_seed(3).normal([2], dtype=tf.float64).numpy().tolist())
    say("ms", tf.random.Generator.from_seed(1).normal([2], mean=3., stddev=2.).numpy().tolist())
    say("ui64", tf.random.Generator.from_seed(1).uniform([3], 0, 1000,
                                                          dtype=tf.int64).numpy().tolist())
    say("u_range", tf.random.Generator.from_seed(1).uniform([3], -2., 5.).numpy().tolist())
    return out


def test_generator_numbers_and_states_equal_tensorflow():
    assert _lines() == TENSORFLOW


def test_checkpoint_restores_the_state(tmp_path):
    g = tf.random.Generator.from_seed(5)
    checkpoint = tf.train.Checkpoint(generator=g)
    path = checkpoint.save(str(tmp_path / "ckpt"))
    first = g.normal([3]).numpy()
    checkpoint.restore(path)
    np.testing.assert_array_equal(g.normal([3]).numpy(), first)


def test_global_generator_and_errors():
    g = tf.random.Generator.from_seed(1)
    tf.random.set_global_generator(g)
    assert tf.random.get_global_generator() is g
    assert tf.random.experimental.Generator is tf.random.Generator
    with pytest.raises(ValueError, match="maxval"):
        g.uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="Philox"):
        tf.random.Generator.from_seed(1, alg="threefry")
