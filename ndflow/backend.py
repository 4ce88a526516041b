"""Array modules per device: NumPy on the CPU; CuPy on a GPU when it is installed."""
import numpy as np


def gpu_available():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy or no usable GPU
        return False


def get_array_module(*arrays):
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy
            return cupy
    return np
