"""CPU cost of each line of a workload's compiled plan (what a plan line costs after binding).

    python -m benchmarks.bench_engine_plan_lines [W1-function|W4-loop] [--calls N]

Runs the workload briefly, takes its largest plan, then re-runs every kernel line on the
arguments it received (stateful lines once, untimed) and prints microseconds per line with
the op type and input shapes, and the whole plan's CPU time per call. W4 needs MNIST
(NDFLOW_DATA_DIR). Use OPENBLAS_NUM_THREADS=1.
"""
import math
import re
import sys
import time

import ndflow as tf
import ndflow.compat.v1 as v1
from benchmarks import common as C
from benchmarks import tf_workloads
from ndflow.framework import plan as plan_module


def main():
    cell = sys.argv[1] if len(sys.argv) > 1 else "W1-function"
    calls = int(sys.argv[sys.argv.index("--calls") + 1]) if "--calls" in sys.argv else 2000
    workload, variant = cell.split("-")
    plans, feeds_seen = [], {}
    original_init, original_call = plan_module.Plan.__init__, plan_module.Plan.__call__

    def init(self, *a, **k):
        original_init(self, *a, **k)
        plans.append(self)

    def call(self, *feeds):
        feeds_seen.setdefault(id(self), feeds)
        return original_call(self, *feeds)
    plan_module.Plan.__init__, plan_module.Plan.__call__ = init, call
    C.n_steps = lambda quick, full: 2
    load = None
    if workload == "W4":
        from benchmarks import bench_ndflow
        load = bench_ndflow.load_mnist
    run = tf_workloads.build(tf, lambda: tf.keras, load, v1)
    run(workload, variant, False, 3)
    p = max((q for q in plans if id(q) in feeds_seen), key=lambda q: len(q.source))
    feeds = feeds_seen[id(p)]
    namespace = p._fn.__globals__
    start = time.process_time()
    for _ in range(calls):
        p._fn(*feeds)
    total = (time.process_time() - start) / calls * 1e6
    env = {f"f{i}": f for i, f in enumerate(feeds)}
    rows = []
    lines = p.source.splitlines()
    for number, line in enumerate(lines, 1):
        read = re.match(r"\s+(v\d+) = (k\d+v)\._value$", line)
        if read:  # a variable's value read into the plan
            env[read.group(1)] = namespace[read.group(2)]._value
            continue
        m = re.match(r"\s+(?:(.+?) = )?(k\d+c?)\((.*)\)$", line)
        if not m:
            continue
        outs, k, args = m.groups()
        argv = [namespace[a[:-7]]._value if a.endswith("._value")
                else env[a] if a[0] in "vf" else namespace[a] for a in args.split(", ") if a]
        op = p._line_ops.get(number)
        result = namespace[k](*argv)
        dt = math.nan
        if op is None or not op.op_def.stateful:
            timed = list(argv)
            if op is not None and len(argv) > len(op.inputs):  # an out buffer (an input's):
                timed[-1] = timed[-1].copy()  # repeated calls write a copy, not the input
            start = time.process_time()
            for _ in range(calls):
                namespace[k](*timed)
            dt = (time.process_time() - start) / calls * 1e6
        if outs:
            outs = outs.split(" = ")[0]  # `v = kNv._value = kNc(...)`: the plan's name
            names = outs.replace(",", " ").split()
            for name, value in zip(names, [result] if len(names) == 1 else result):
                env[name] = value
        rows.append((dt, op.type if op is not None else "?",
                     [tuple(getattr(a, "shape", ())) for a in argv]))
    for dt, kind, shapes in rows:
        print(f"{dt:8.2f}  {kind:28s} {shapes}")
    timed = sum(r[0] for r in rows if not math.isnan(r[0]))
    print(f"{len(rows)} lines, {timed:.1f} us in the timed ones; "
          f"whole plan {total:.1f} us/call CPU")


if __name__ == "__main__":
    main()
