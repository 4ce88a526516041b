"""tf.config: execution settings."""
from .framework.function import functions_run_eagerly, run_functions_eagerly  # noqa: F401


class PhysicalDevice:
    def __init__(self, name, device_type):
        self.name = name
        self.device_type = device_type

    def __repr__(self):
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"


def list_physical_devices(device_type=None):
    from .framework.device import physical_devices
    devices = [PhysicalDevice(name, kind) for name, kind in physical_devices()]
    return [d for d in devices if device_type is None or d.device_type == device_type.upper()]


def list_logical_devices(device_type=None):
    return list_physical_devices(device_type)


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_visible_devices(devices, device_type=None):
    pass  # ndflow runs on the devices it finds; nothing to hide


class experimental:
    @staticmethod
    def enable_op_determinism():
        """ndflow's CPU kernels are deterministic already."""

    @staticmethod
    def set_memory_growth(device, enable):
        pass

    list_physical_devices = staticmethod(list_physical_devices)


class threading:
    _intra = 0
    _inter = 0

    @staticmethod
    def set_intra_op_parallelism_threads(n):
        threading._intra = int(n)

    @staticmethod
    def set_inter_op_parallelism_threads(n):
        threading._inter = int(n)

    @staticmethod
    def get_intra_op_parallelism_threads():
        return threading._intra

    @staticmethod
    def get_inter_op_parallelism_threads():
        return threading._inter
