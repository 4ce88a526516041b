"""Profiles one benchmark cell: `python -m benchmarks.profile ndflow W4 fit [--max-batches N]`.

Uses pyinstrument where installed (call tree, time per frame), else cProfile (top functions
by own time). The cell runs in this process exactly as the runner's child runs it.
"""
import argparse
import cProfile
import pstats

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
    args = p.parse_args()
    call = (args.framework, args.workload, args.variant, args.quick, args.max_batches)
    try:
        if args.cprofile:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        profiler = cProfile.Profile()
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
