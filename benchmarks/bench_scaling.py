"""Where per-op overhead stops mattering (issue 15): W4 and W5 time per training step against
batch size (32, 64, 128, 256), and W1 (XOR MLP, 3 hidden layers) time per step against hidden
width (10, 100, 1000), for ndflow and the peers.

    python -m benchmarks.bench_scaling                        # every framework installed
    python -m benchmarks.bench_scaling --workloads W5 --cells ndflow/fit,tensorflow/fit
    python -m benchmarks.bench_scaling --quick                # smoke run, numbers meaningless

Each cell is the runner's own cell (`python -m benchmarks.child ...`) in a fresh process, with
the batch size or width set through NDFLOW_BENCH_MLP_BATCH / NDFLOW_BENCH_CNN_BATCH /
NDFLOW_BENCH_XOR_HIDDEN (benchmarks/common.py), after waiting for a quiet machine like the
runner does. W4/W5 epochs are timed over --max-batches batches and turned into ms per step
(epoch seconds / steps per epoch). The value shown is the median over --repeats; the ratio
column is ndflow's fastest variant over the fastest peer's. Never run as a test.
"""
import argparse
import json
import os
import statistics
import sys

from benchmarks import common as C
from benchmarks import quiet
from benchmarks.run import installed, run_child

AXES = {  # workload -> (environment variable, values, what they are)
    "W1": ("NDFLOW_BENCH_XOR_HIDDEN", (10, 100, 1000), "hidden width"),
    "W4": ("NDFLOW_BENCH_MLP_BATCH", (32, 64, 128, 256), "batch size"),
    "W5": ("NDFLOW_BENCH_CNN_BATCH", (32, 64, 128, 256), "batch size"),
}
N_TRAIN = 60000


def step_ms(workload, value, result):
    """Milliseconds per training step from a child's result (W1: seconds per step; W4/W5:
    seconds per epoch of N_TRAIN // batch steps)."""
    if workload == "W1":
        return result["value"] * 1e3
    return result["value"] * 1e3 / (N_TRAIN // value)


def run_cells(args):
    table = {}  # (workload, value, framework, variant) -> [ms, ...]
    for rep in range(args.repeats):
        for workload in args.workloads:
            env_name, values, _ = AXES[workload]
            for value in values:
                for framework in args.frameworks:
                    for variant in C.VARIANTS[framework][workload]:
                        if args.cells and f"{framework}/{variant}" not in args.cells:
                            continue
                        load = quiet.wait_for_quiet(args.max_load, args.wait)
                        env = dict(os.environ, **{env_name: str(value)})
                        cmd = ["benchmarks.child", framework, workload, variant]
                        if args.quick:
                            cmd.append("--quick")
                        elif workload != "W1":
                            cmd += ["--max-batches", str(args.max_batches)]
                        result = run_child(cmd, env, args.timeout)
                        key = (workload, value, framework, variant)
                        if "value" not in result:
                            print(f"  {key}: {result.get('unavailable', result)}", flush=True)
                            continue
                        ms = step_ms(workload, value, result)
                        table.setdefault(key, []).append(ms)
                        print(f"  [{rep + 1}/{args.repeats}] {workload} {AXES[workload][2]} "
                              f"{value} {framework}/{variant}: {ms:.3f} ms/step "
                              f"({load['busy_cpus_before']:.2f} busy CPUs before)", flush=True)
    return table


def report(table, args):
    lines = []
    for workload in args.workloads:
        _, values, axis = AXES[workload]
        lines.append(f"\n{workload}: ms per training step (median) against {axis}")
        cells = sorted({(f, v) for (w, _, f, v) in table if w == workload})
        lines.append("| " + axis + " | " + " | ".join(f"{f}/{v}" for f, v in cells)
                     + " | ndflow best / peer best |")
        lines.append("|---" * (len(cells) + 2) + "|")
        for value in values:
            med = {c: statistics.median(table[(workload, value) + c])
                   for c in cells if (workload, value) + c in table}
            ours = [m for (f, _), m in med.items() if f == "ndflow"]
            peers = [m for (f, _), m in med.items() if f != "ndflow"]
            ratio = f"{min(ours) / min(peers):.2f}" if ours and peers else "-"
            lines.append(f"| {value} | " + " | ".join(
                f"{med[c]:.3f}" if c in med else "-" for c in cells) + f" | {ratio} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", default="W1,W4,W5")
    parser.add_argument("--frameworks", default="ndflow,torch,tensorflow,jax,numpy")
    parser.add_argument("--cells", default="",
                        help="only these framework/variant cells, e.g. ndflow/fit,jax/jit")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-batches", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--max-load", type=float,
                        default=quiet.DEFAULT_MAX_LOAD_PER_CPU * (os.cpu_count() or 1))
    parser.add_argument("--wait", type=float, default=120)
    parser.add_argument("--out", default=None, help="write the raw medians here as JSON")
    args = parser.parse_args(argv)
    args.workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in args.workloads if w not in AXES]
    if unknown:
        parser.error(f"--workloads: {unknown} have no scaling axis (choose from {sorted(AXES)})")
    args.frameworks = [f for f in args.frameworks.split(",") if f and installed(f)]
    args.cells = {c for c in args.cells.split(",") if c}
    if args.quick:
        args.repeats = 1
    table = run_cells(args)
    text = report(table, args)
    print(text)
    if args.out:
        raw = {" ".join(map(str, k)): v for k, v in table.items()}
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(raw, f, indent=1)
        os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
