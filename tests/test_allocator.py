"""ndflow's glibc malloc tuning (ndflow/util/allocator.py): after `import ndflow` a large
array comes from the heap (no fresh mmap), unless NDFLOW_MALLOC_TUNING=0 or glibc's own
tunables are set."""
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the tuning applies to glibc's malloc only")

_PROBE = """
import ctypes, numpy as np
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                               "usmblks", "fsmblks", "uordblks", "fordblks",
                                               "keepcost")]
libc = ctypes.CDLL(None)
if not hasattr(libc, "mallinfo2"):
    print("no-mallinfo2"); raise SystemExit
libc.mallinfo2.restype = Info
import ndflow
before = libc.mallinfo2().hblkhd
a = np.ones(16 << 20, np.float32)  # 64 MB: above any mmap threshold glibc uses by default
print(libc.mallinfo2().hblkhd - before >= a.nbytes)
"""


def _mmapped_after_import(**env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    environ.pop("GLIBC_TUNABLES", None)
    environ.update(env)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environ["PYTHONPATH"] = root + os.pathsep + environ.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         env=environ, timeout=120, check=True).stdout.strip()
    if out == "no-mallinfo2":
        pytest.skip("glibc without mallinfo2 (< 2.33)")
    return out == "True"


def test_large_arrays_come_from_the_heap_after_import():
    assert not _mmapped_after_import()


def test_the_tuning_can_be_turned_off():
    assert _mmapped_after_import(NDFLOW_MALLOC_TUNING="0")
    assert _mmapped_after_import(MALLOC_MMAP_THRESHOLD_="131072")  # glibc's own, respected
