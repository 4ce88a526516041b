"""Runs one (framework, workload, variant) cell in this fresh process and prints its result.

The last line of stdout is `BENCH_RESULT <json>`: the measured value, the result check
(loss/accuracy), the peak RSS of this process in MiB, or `unavailable` with the reason.
"""
import argparse
import importlib
import json
import resource
import sys
import traceback

from benchmarks.common import NotAvailable

MODULES = {"ndflow": "bench_ndflow", "torch": "bench_torch", "tensorflow": "bench_tensorflow",
           "jax": "bench_jax", "numpy": "bench_numpy"}
MARKER = "BENCH_RESULT "


def framework_module(framework):
    """The benchmark module, or NotAvailable when the framework is not installed."""
    try:
        return importlib.import_module(f"benchmarks.{MODULES[framework]}")
    except ImportError as e:
        raise NotAvailable(f"{framework} is not installed ({e})") from None


def run_cell(framework, workload, variant, quick, max_batches):
    module = framework_module(framework)
    if workload in ("W7", "W8"):  # sequence models: one module holds every framework's cell
        from benchmarks import bench_rnn
        result = bench_rnn.run(framework, variant, quick, workload)
        result["version"] = module.version()
        return result
    result = module.run(workload, variant, quick, max_batches)
    result["version"] = module.version()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("framework", choices=sorted(MODULES))
    parser.add_argument("workload")
    parser.add_argument("variant")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--max-batches", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        result = run_cell(args.framework, args.workload, args.variant, args.quick,
                          args.max_batches)
    except NotAvailable as e:
        result = {"unavailable": str(e)}
    except Exception as e:  # a broken cell is reported, the suite goes on
        traceback.print_exc()
        result = {"unavailable": f"error: {type(e).__name__}: {str(e).splitlines()[0][:200]}"
                  if str(e) else f"error: {type(e).__name__}"}
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    sys.stdout.flush()
    print(MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
