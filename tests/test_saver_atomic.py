"""ndflow.util.atomic: temp file + rename, stale temporaries of killed writers removed."""
import os
import signal
import subprocess
import sys
import time

import pytest

from ndflow.util import atomic

fcntl = pytest.importorskip("fcntl")


def _age(path, seconds=60):
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_killed_writer_leaves_a_temporary_that_the_next_write_removes(tmp_path):
    target = tmp_path / "model.keras"
    code = ("import sys, time\n"
            "from ndflow.util.atomic import atomic_write\n"
            "def write(f):\n"
            "    f.write(b'half'); f.flush(); print('writing', flush=True); time.sleep(60)\n"
            f"atomic_write({str(target)!r}, write)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        assert proc.stdout.readline().strip() == b"writing"
        stale = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
        assert len(stale) == 1 and stale[0].startswith(".model.keras.")
        # while the writer lives, its temporary is locked and never removed
        assert atomic.remove_stale_temporaries(target) == []
        _age(tmp_path / stale[0])
        assert atomic.remove_stale_temporaries(target) == []
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not target.exists()
    assert (tmp_path / stale[0]).exists()
    _age(tmp_path / stale[0])
    atomic.atomic_write_bytes(target, b"whole")
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]
    assert target.read_bytes() == b"whole"


def test_only_temporaries_of_the_same_target_are_removed(tmp_path):
    names = [".a.bin.abcd1234.tmp", ".b.bin.abcd1234.tmp", ".a.bin.notours.tmp",
             "a.bin.abcd1234.tmp", ".a.bin.abcd1234.old"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        _age(tmp_path / name)
    fresh = tmp_path / ".a.bin.zzzz9999.tmp"     # too recent: a writer may be starting
    fresh.write_bytes(b"x")
    stale_dir = tmp_path / ".a.bin.dddd0000.tmp"
    stale_dir.mkdir()
    (stale_dir / "config.json").write_bytes(b"{}")
    _age(stale_dir)
    atomic.atomic_write_bytes(tmp_path / "a.bin", b"data")
    left = sorted(os.listdir(tmp_path))
    assert left == sorted(["a.bin", ".b.bin.abcd1234.tmp", ".a.bin.notours.tmp",
                           "a.bin.abcd1234.tmp", ".a.bin.abcd1234.old", fresh.name])


def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"old")

    def broken(f):
        f.write(b"new but")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write(target, broken)
    assert os.listdir(tmp_path) == ["f"]
    assert target.read_bytes() == b"old"


def test_atomic_write_directory_replaces_a_directory(tmp_path):
    target = tmp_path / "m.keras"
    atomic.atomic_write_directory(target, {"a": b"1"})
    atomic.atomic_write_directory(target, {"b": b"2"})
    assert os.listdir(target) == ["b"]
    assert os.listdir(tmp_path) == ["m.keras"]
