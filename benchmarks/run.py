"""The benchmark runner: every (framework, workload, variant) cell in a fresh process,
several repetitions, frameworks interleaved so machine noise hits all alike.

    python -m benchmarks.run [--quick] [--workloads W1,W4] [--frameworks ndflow,torch]
                             [--repeats N] [--threads N] [--max-batches N] [--out results.json]
                             [--max-load CPUS] [--wait SECONDS]

Before each cell the runner waits (up to --wait seconds) until fewer than --max-load CPUs
are busy, measured over one second of /proc/stat (benchmarks/quiet.py; default 0.3 per CPU,
0.6 on a 2-core machine), and records what it saw: the busy CPUs before the cell, the CPUs
other processes kept busy during it, and the 1-minute load average. A cell that found no
quiet machine within --wait still runs; the table's "others' load" column and the summary
say so.

Ratios are ndflow time / peer time on medians (below 1: ndflow faster); for W6 that is
peer images/s / ndflow images/s. Each ndflow variant is compared with the peer's variant of
the same name where the peer has one (fit with fit), else with the peer's fastest variant.
"""
import argparse
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from benchmarks import common as C
from benchmarks import quiet

FRAMEWORKS = ("ndflow", "torch", "tensorflow", "jax", "numpy")
PEERS = ("torch", "tensorflow", "jax", "numpy")
MARKER = "BENCH_RESULT "
SCALE = {"W1": 1e6, "W2": 1e6, "W7": 1e3, "W8": 1e3}  # seconds shown as us (W7/W8: ms)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="a few steps/batches per cell (CI smoke test; numbers meaningless)")
    p.add_argument("--workloads", default=",".join(C.WORKLOADS))
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    p.add_argument("--repeats", type=int, default=None, help="default 3 (1 with --quick)")
    p.add_argument("--threads", type=int, default=None,
                   help="intra-op threads for every framework (BLAS, OpenMP, TF, XLA); "
                        "default: leave the environment as it is")
    p.add_argument("--max-batches", type=int, default=None,
                   help="time only this many batches of W3-W5 epochs and extrapolate")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds per cell (default 1800, 300 with --quick)")
    p.add_argument("--out", default=None, help="write all raw results here as JSON")
    p.add_argument("--max-load", type=float, default=None,
                   help="busy CPUs (from /proc/stat over 1 s) below which the machine counts as "
                        "quiet; default 0.3 per CPU")
    p.add_argument("--wait", type=float, default=None,
                   help="seconds to wait for a quiet machine before each cell (default 300, 0 "
                        "with --quick: no waiting, load still recorded)")
    args = p.parse_args(argv)
    args.workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    args.frameworks = [f.strip().lower() for f in args.frameworks.split(",") if f.strip()]
    bad = [w for w in args.workloads if w not in C.WORKLOADS]
    bad += [f for f in args.frameworks if f not in FRAMEWORKS]
    if bad:
        p.error(f"unknown workload/framework {bad}; workloads are {', '.join(C.WORKLOADS)}, "
                f"frameworks {', '.join(FRAMEWORKS)}")
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.timeout is None:
        args.timeout = 300 if args.quick else 1800
    if args.max_load is None:
        args.max_load = quiet.DEFAULT_MAX_LOAD_PER_CPU * (os.cpu_count() or 1)
    if args.wait is None:
        args.wait = 0.0 if args.quick else 300.0
    if args.max_load <= 0 or args.wait < 0:
        p.error(f"--max-load must be positive and --wait non-negative; got --max-load "
                f"{args.max_load} --wait {args.wait}")
    return args


def child_env(threads):
    """The environment every child gets: identical for all frameworks."""
    env = dict(os.environ)
    env["PYTHONPATH"] = C.REPO_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("JAX_PLATFORMS", "cpu")
    if threads:
        n = str(threads)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS"):
            env[var] = n
        env["TF_NUM_INTEROP_THREADS"] = "1"
        if threads == 1:
            env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                                " intra_op_parallelism_threads=1").strip()
    return env


def run_child(module_args, env, timeout):
    """Runs `python -m benchmarks.<...>` and returns its BENCH_RESULT dict."""
    cmd = [sys.executable, "-m"] + module_args
    try:
        proc = subprocess.run(cmd, env=env, cwd=C.REPO_ROOT, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"unavailable": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"unavailable": f"child exited {proc.returncode}: {tail[0][:200]}"}


def installed(framework):
    name = {"ndflow": "ndflow", "torch": "torch", "tensorflow": "tensorflow", "jax": "jax",
            "numpy": "numpy"}[framework]
    return importlib.util.find_spec(name) is not None


def plan_cells(args):
    """[(workload, [(framework, variant), ...]), ...] for the frameworks present."""
    plan = []
    for workload in args.workloads:
        cells = [(fw, v) for fw in args.frameworks for v in C.VARIANTS[fw][workload]]
        plan.append((workload, cells))
    return plan


def run_all(args, env, log, missing):
    """results[(workload, framework, variant)] = [result dict per repetition]."""
    results = {}
    for rep in range(args.repeats):
        for workload, cells in plan_cells(args):
            # rotate the order each repetition so no framework always runs first or last
            shift = rep % len(cells)
            for framework, variant in cells[shift:] + cells[:shift]:
                key = (workload, framework, variant)
                if framework in missing:
                    results.setdefault(key, []).append({"unavailable": f"{framework} is not "
                                                        "installed", "wall_s": 0.0})
                    continue
                cmd = ["benchmarks.child", framework, workload, variant]
                if args.quick:
                    cmd.append("--quick")
                if args.max_batches:
                    cmd += ["--max-batches", str(args.max_batches)]
                load = (quiet.wait_for_quiet(args.max_load, args.wait, log) if args.wait > 0
                        else {"loadavg_before": round(os.getloadavg()[0], 2)})
                start = time.perf_counter()
                with quiet.CellLoad() as cell:
                    result = run_child(cmd, env, args.timeout)
                result["wall_s"] = time.perf_counter() - start
                load.update(others_during=cell.others, loadavg_after=cell.loadavg_after)
                result["load"] = load
                results.setdefault(key, []).append(result)
                shown = result.get("unavailable") or f"{result['value']:.6g}"
                log(f"  [{rep + 1}/{args.repeats}] {workload} {framework}/{variant}: {shown} "
                    f"({load_text(load)})")
    return results


def load_text(load):
    parts = []
    if "busy_cpus_before" in load:
        parts.append(f"{load['busy_cpus_before']:.2f} busy CPUs before"
                     + ("" if load["quiet"] else " - NOT QUIET")
                     + (f", waited {load['waited_s']:.0f} s" if load["waited_s"] >= 1 else ""))
    if load.get("others_during") is not None:
        parts.append(f"others {load['others_during']:.2f} CPUs during")
    parts.append(f"load average {load['loadavg_before']:.2f} -> {load['loadavg_after']:.2f}")
    return "; ".join(parts)


# ---------------------------------------------------------------- summarising

def summarise(runs, workload):
    ok = [r for r in runs if "unavailable" not in r]
    if not ok:
        return {"unavailable": runs[0]["unavailable"]}
    scale = SCALE.get(workload, 1.0)
    values = [r["value"] * scale for r in ok]
    last = ok[-1]
    check = {k: last[k] for k in ("loss", "accuracy", "out_mean") if k in last}
    others = [r["load"]["others_during"] for r in ok
              if r.get("load", {}).get("others_during") is not None]
    return {"others_max": max(others) if others else None,
            "not_quiet": sum(1 for r in ok if r.get("load", {}).get("quiet") is False),
            "min": min(values), "median": statistics.median(values), "max": max(values),
            "n": len(values), "rss_mib": max(r["rss_mib"] for r in ok), "check": check,
            "note": last.get("note", ""), "version": last.get("version", "")}


def as_time(workload, median):
    """A quantity where smaller is better, for ratios (W6 reports a rate)."""
    return 1.0 / median if workload == "W6" else median


def ratio(workload, variant, ndflow_summary, peer_rows):
    """ndflow/peer on medians against the same-named variant, else the peer's fastest."""
    rows = {v: s for v, s in peer_rows.items() if "median" in s}
    if not rows or "median" not in ndflow_summary:
        return None
    if workload == "W6" or variant in rows:
        if variant not in rows:
            return None
        peer = rows[variant]
    else:
        peer = min(rows.values(), key=lambda s: as_time(workload, s["median"]))
    return as_time(workload, ndflow_summary["median"]) / as_time(workload, peer["median"])


def fmt(x):
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.0f}"


def table(summaries, args):
    peers = [p for p in PEERS if p in args.frameworks]
    head = ["workload", "framework/variant", "unit", "min", "median", "max", "peak RSS MiB",
            "others' load", "result"] + [f"ndflow/{p}" for p in peers]
    rows = []
    for workload in args.workloads:
        for framework in args.frameworks:
            for variant in C.VARIANTS[framework][workload]:
                s = summaries[(workload, framework, variant)]
                name = f"{framework}/{variant}"
                unit = C.UNITS[workload]
                if "unavailable" in s:
                    rows.append([workload, name, unit, "-", "-", "-", "-", "-",
                                 "not available: " + s["unavailable"]] + [""] * len(peers))
                    continue
                check = " ".join(f"{k}={v:.4g}" if k == "loss" else f"{k}={v:.4f}"
                                 for k, v in s["check"].items())
                if s["note"]:
                    check += f" ({s['note']})"
                others = "-" if s["others_max"] is None else f"{s['others_max']:.2f}"
                if s["not_quiet"]:
                    others += f" ({s['not_quiet']} not quiet)"
                cells = [workload, name, unit, fmt(s["min"]), fmt(s["median"]), fmt(s["max"]),
                         f"{s['rss_mib']:.0f}", others, check]
                for peer in peers:
                    r = None
                    if framework == "ndflow":
                        peer_rows = {v: summaries[(workload, peer, v)]
                                     for v in C.VARIANTS[peer][workload]}
                        r = ratio(workload, variant, s, peer_rows)
                    cells.append(f"{r:.2f}" if r is not None else "")
                rows.append(cells)
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
              for r in rows]
    return "\n".join(lines)


def load_summary(results, args):
    """One line: the quietness rule and how the cells fared against it."""
    loads = [r.get("load", {}) for runs in results.values() for r in runs if "load" in r]
    others = [d["others_during"] for d in loads if d.get("others_during") is not None]
    rule = (f"waited up to {args.wait:.0f} s before each cell for < {args.max_load:.2f} busy "
            f"CPUs (/proc/stat, 1 s)" if args.wait > 0 else "no waiting for a quiet machine")
    line = f"machine load: {rule}"
    if args.wait > 0:
        loud = sum(1 for d in loads if d.get("quiet") is False)
        line += f"; {loud} of {len(loads)} cells started on a busier machine"
    if others:
        line += (f"; other processes kept {statistics.median(others):.2f} CPUs busy during a "
                 f"cell (median; max {max(others):.2f})")
    return line + ". \"others' load\" = the most CPUs other processes used during that row's runs"


def settings_text(machine, args, env):
    blas = machine.get("blas", {})
    lines = [f"date: {datetime.datetime.now().isoformat(timespec='seconds')}",
             f"python {platform.python_version()} on {platform.platform()}, "
             f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end",
             f"numpy {blas.get('numpy', '?')}; BLAS pools: " + "; ".join(
                 f"{p['internal_api']} {p['version']} ({p['architecture']}, "
                 f"{p['num_threads']} threads)" for p in blas.get("threadpools", [])),
             "BLAS environment (same for every framework): " + ", ".join(
                 f"{k}={v}" for k, v in blas.get("env", {}).items()) +
             " (ndflow's own process sets OPENBLAS_THREAD_TIMEOUT=20 when it is unset: "
             "ndflow/util/blas_threads.py)",
             f"threads: {args.threads or 'as set in the environment'}; repeats: {args.repeats}"
             f"{'; QUICK mode (numbers meaningless)' if args.quick else ''}"
             f"{f'; max batches {args.max_batches}' if args.max_batches else ''}"]
    return "\n".join(lines)


def roofline_text(machine):
    lines = ["Roofline (matrix products only, NumPy float32 GEMM on the same shapes):"]
    for r in machine.get("roofline", []):
        lines.append(f"  {r['workload']}: {r['gflop_per_epoch']:.1f} GFLOP/epoch at "
                     f"{r['gemm_gflops']:.1f} GFLOP/s = {r['floor_s_per_epoch']:.2f} s/epoch floor")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    env = child_env(args.threads)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    missing = [f for f in args.frameworks if not installed(f)]
    for framework in missing:
        log(f"note: {framework} is not installed; its cells are skipped")
    log(f"running {args.repeats} repetition(s) of {', '.join(args.workloads)} for "
        f"{', '.join(args.frameworks)}")
    machine = run_child(["benchmarks.roofline"] + (["--quick"] if args.quick else []), env,
                        args.timeout)
    results = run_all(args, env, log, missing)
    summaries = {key: summarise(runs, key[0]) for key, runs in results.items()}
    print(settings_text(machine, args, env))
    print(load_summary(results, args))
    versions = {fw: next((s["version"] for (w, f, v), s in summaries.items()
                          if f == fw and s.get("version")), "not installed" if fw in missing
                         else "?") for fw in args.frameworks}
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print()
    print(table(summaries, args))
    print()
    print(roofline_text(machine))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"settings": vars(args), "machine": machine, "versions": versions,
                       "results": {"|".join(k): v for k, v in results.items()},
                       "summaries": {"|".join(k): v for k, v in summaries.items()}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
