"""Devices: where kernels run and eager values live.

A `Device` holds what running a kernel somewhere needs: its array module `xp` (NumPy on
the CPU; CuPy, imported only when asked for, on a GPU), random generators made from seeds,
and the store of eager variable values that traced functions read and write. Dispatch,
plans and random ops take these from the device they run on (`context.state.device`)
instead of importing NumPy, so running on a GPU means one more `Device`, not a hunt
through the code.
"""
import weakref

import numpy as np


class _Generator(np.random.Generator):
    """NumPy's generator (what default_rng makes), with room for the TensorFlow Philox
    stream a TensorFlow-exact kernel keeps with it (ndflow.ops.philox)."""


class RandomStreams:
    """A store's random generators, one per graph random op, made on first use from the
    seeds the op was built with (stores set `device` and `_generators`)."""

    def generator(self, operation):
        gen = self._generators.get(operation)
        if gen is None:
            gen = self.device.generator_from_seeds(operation.attrs.get("seeds"))
            self._generators[operation] = gen
        return gen


class EagerStore(RandomStreams):
    """Variable values as eager code sees them: each variable's own `_value`. Traced
    functions run their plans against this store; a Session has a store of its own."""

    def __init__(self, device):
        self.device = device
        self._generators = weakref.WeakKeyDictionary()  # random op -> its generator

    @staticmethod
    def read(var):
        return var._value

    @staticmethod
    def write(var, value):
        var._check_assign_shape(value)
        var._value = value


class Device:
    """One place kernels run: `name` in TensorFlow's form, `device_type` ("CPU", "GPU"),
    and `xp`, the array module its kernels receive."""

    def __init__(self, name, device_type, xp):
        self.name = name
        self.device_type = device_type
        self.xp = xp
        self.store = EagerStore(self)
        self._entropy = None

    def generator(self, seed_words=None):
        """A random generator seeded with `seed_words` (a list of ints), or from fresh
        entropy when None. Random kernels draw from it with NumPy's Generator methods."""
        # Generators live on the host: the same seed gives the same numbers on every
        # device (a GPU device copies the drawn array over).
        return _Generator(np.random.PCG64(seed_words))

    def entropy(self):
        """The shared unseeded generator (fresh entropy per process)."""
        if self._entropy is None:
            self._entropy = self.generator()
        return self._entropy

    def generator_from_seeds(self, seeds):
        """The generator of a graph random op whose (graph seed, op seed) were fixed when it
        was built; None: nondeterministic."""
        if seeds is None:
            return self.generator()
        return self.generator([seeds[0] & 0xFFFFFFFF, seeds[1] & 0x7FFFFFFF, 2])

    def __repr__(self):
        return f"<Device {self.name}>"


CPU = Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", np)


def gpu_available():
    """Whether CuPy is installed and sees a CUDA device."""
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy, no driver or no usable GPU
        return False


def physical_devices():
    """(name, device_type) of the devices ndflow can run on."""
    found = [("/physical_device:CPU:0", "CPU")]
    if gpu_available():
        found.append(("/physical_device:GPU:0", "GPU"))
    return found
