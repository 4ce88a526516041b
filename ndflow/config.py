"""tf.config: execution settings."""
from .framework.function import functions_run_eagerly, run_functions_eagerly  # noqa: F401


class PhysicalDevice:
    """Describes a device ndflow can run on.

    Attributes:
      name: The device's name, e.g. "/physical_device:CPU:0".
      device_type: "CPU" or "GPU".
    """
    def __init__(self, name, device_type):
        self.name = name
        self.device_type = device_type

    def __repr__(self):
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"


def list_physical_devices(device_type=None):
    """Lists the devices ndflow can run on.

    Args:
      device_type: Optional "CPU" or "GPU" (any case) to filter by.

    Returns:
      A list of `PhysicalDevice`.

    Example:

    >>> [d.device_type for d in ndflow.config.list_physical_devices("CPU")]
    ['CPU']
    """
    from .framework.device import physical_devices
    devices = [PhysicalDevice(name, kind) for name, kind in physical_devices()]
    return [d for d in devices if device_type is None or d.device_type == device_type.upper()]


def list_logical_devices(device_type=None):
    """Lists the logical devices; ndflow has one per physical device.

    Args:
      device_type: Optional "CPU" or "GPU" to filter by.

    Returns:
      A list of `PhysicalDevice`.
    """
    return list_physical_devices(device_type)


def get_visible_devices(device_type=None):
    """Lists the visible devices; ndflow hides none, so all physical devices.

    Args:
      device_type: Optional "CPU" or "GPU" to filter by.

    Returns:
      A list of `PhysicalDevice`.
    """
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    """Accepted for TensorFlow compatibility; ndflow keeps using the devices it finds.

    Args:
      devices: A device or list of devices.
      device_type: Optional device type.
    """
    pass  # ndflow runs on the devices it finds; nothing to hide


class experimental:
    """tf.config.experimental: `enable_op_determinism`, `set_memory_growth` and
    `list_physical_devices`.

    ndflow's CPU kernels are already deterministic and it does not reserve GPU memory up front,
    so the first two change nothing.
    """
    @staticmethod
    def enable_op_determinism():
        """ndflow's CPU kernels are deterministic already."""

    @staticmethod
    def set_memory_growth(device, enable):
        """Accepted for TensorFlow compatibility: ndflow does not reserve GPU memory up front.

        Args:
          device: A `PhysicalDevice`.
          enable: A bool.
        """
        pass

    list_physical_devices = staticmethod(list_physical_devices)


class threading:
    """tf.config.threading: records the intra-/inter-op thread counts it is given.

    The values are stored and returned by the getters; NumPy's BLAS uses its own thread
    setting (e.g. the OMP_NUM_THREADS environment variable).
    """
    _intra = 0
    _inter = 0

    @staticmethod
    def set_intra_op_parallelism_threads(n):
        """Records the number of threads used inside one op (0: let the system choose).

        Args:
          n: An int.
        """
        threading._intra = int(n)

    @staticmethod
    def set_inter_op_parallelism_threads(n):
        """Records the number of ops that may run in parallel (0: let the system choose).

        Args:
          n: An int.
        """
        threading._inter = int(n)

    @staticmethod
    def get_intra_op_parallelism_threads():
        """Returns the value given to `set_intra_op_parallelism_threads` (0 by default).

        Returns:
          An int.
        """
        return threading._intra

    @staticmethod
    def get_inter_op_parallelism_threads():
        """Returns the value given to `set_inter_op_parallelism_threads` (0 by default).

        Returns:
          An int.
        """
        return threading._inter
