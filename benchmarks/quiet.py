"""Machine load around each benchmark cell: wait for a quiet machine, record what was seen.

Load is measured as *busy CPUs*: the non-idle share of all CPU time in /proc/stat over a
short window, times the number of CPUs (2.0 = two cores fully busy), which is what a load
average approximates but without its one-minute memory: right after a cell ends, the
1-minute load average still counts that cell for a minute or more, while /proc/stat shows
the machine is idle within a second. During a cell, the load of *other* processes is the
busy CPU time minus the child's own CPU time (its rusage), over the cell's wall time.

Where /proc/stat does not exist (not Linux) the 1-minute load average stands in and no
per-cell figure of other processes' load is recorded.
"""
import os
import resource
import time

PROC_STAT = "/proc/stat"
WINDOW_S = 1.0       # how long one quietness sample looks at the machine
DEFAULT_MAX_LOAD_PER_CPU = 0.3  # 0.6 busy CPUs on a 2-core machine (issue 15's "quiet")


def cpu_times():
    """(busy, total) CPU seconds since boot from /proc/stat, or None where unavailable."""
    try:
        with open(PROC_STAT) as f:
            fields = f.readline().split()
    except OSError:
        return None
    ticks = [int(v) for v in fields[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    hz = os.sysconf("SC_CLK_TCK")
    # guest time is already counted in user time: leave it out of the total
    total = sum(ticks[:8])
    return (total - idle) / hz, total / hz


def busy_cpus(window=WINDOW_S):
    """CPUs busy over the next `window` seconds (this process sleeps meanwhile)."""
    start = cpu_times()
    if start is None:
        return os.getloadavg()[0]
    time.sleep(window)
    end = cpu_times()
    total = end[1] - start[1]
    return (end[0] - start[0]) / total * (os.cpu_count() or 1) if total > 0 else 0.0


def wait_for_quiet(max_load, wait_s, log=None):
    """Samples the machine until fewer than `max_load` CPUs are busy or `wait_s` seconds
    have passed. Returns {"busy_cpus_before", "loadavg_before", "waited_s", "quiet"}."""
    start = time.perf_counter()
    busy = busy_cpus()
    announced = False
    while busy >= max_load and time.perf_counter() - start < wait_s:
        if log is not None and not announced:
            log(f"    waiting for a quiet machine: {busy:.2f} busy CPUs >= {max_load:.2f} "
                f"(up to {wait_s:.0f} s)")
            announced = True
        time.sleep(2.0)
        busy = busy_cpus()
    return {"busy_cpus_before": round(busy, 3), "loadavg_before": round(os.getloadavg()[0], 2),
            "waited_s": round(time.perf_counter() - start, 1), "quiet": busy < max_load}


class CellLoad:
    """`with CellLoad() as c: run the child` -> c.others: CPUs other processes kept busy
    during the cell (None where /proc/stat is unavailable)."""

    def __enter__(self):
        self.stat = cpu_times()
        self.child = _children_cpu()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.wall
        end = cpu_times()
        self.others = None
        if self.stat is not None and end is not None and wall > 0:
            busy = end[0] - self.stat[0]
            child = _children_cpu() - self.child
            self.others = round(max(busy - child, 0.0) / wall, 3)
        self.loadavg_after = round(os.getloadavg()[0], 2)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
