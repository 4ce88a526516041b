"""Profiles one benchmark cell: `python -m benchmarks.profile ndflow W4 fit [--max-batches N]`.

Uses pyinstrument where installed (call tree, time per frame), else cProfile (top functions
by own time). The cell runs in this process exactly as the runner's child runs it.
`--cpu-clock` makes cProfile count this process's CPU time instead of wall time: on a machine
shared with other jobs the wall-clock profile mostly measures time spent descheduled, while
CPU time (with --threads 1) stays comparable between runs.
"""
import argparse
import cProfile
import pstats
import time

from benchmarks.child import run_cell


def main():
    p = argparse.ArgumentParser()
    p.add_argument("framework")
    p.add_argument("workload")
    p.add_argument("variant")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--max-batches", type=int, default=None)
    p.add_argument("--cprofile", action="store_true", help="use cProfile even with pyinstrument")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--cpu-clock", action="store_true",
                   help="cProfile timed by process CPU time (implies --cprofile)")
    p.add_argument("--threads", type=int, default=None,
                   help="limit BLAS threads for the run (threadpoolctl)")
    args = p.parse_args()
    if args.threads:
        from threadpoolctl import threadpool_limits
        args.blas_limits = threadpool_limits(args.threads)  # applied until the process ends
    call = (args.framework, args.workload, args.variant, args.quick, args.max_batches)
    try:
        if args.cprofile or args.cpu_clock:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile(time.process_time) if args.cpu_clock else cProfile.Profile()
        result = profiler.runcall(run_cell, *call)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    else:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        result = run_cell(*call)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    print("result:", result)


if __name__ == "__main__":
    main()
