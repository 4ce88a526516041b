"""Vision speed: ResNet-50 inference and a MobileNetV2 training step, ndflow against PyTorch
and TensorFlow/Keras (where installed), CPU, float32, NHWC data.

    python benchmarks/bench_vision.py                      # batch 32, 224x224 (issue 13)
    python benchmarks/bench_vision.py --batch 2 --size 64 --steps 1   # a smoke run

Each (framework, workload) runs in its own process, so its peak resident memory (Linux
ru_maxrss: interpreter, libraries, weights and activations together) is its own. One
warm-up call before the clock starts (tracing, compilation, allocator warm-up). Weights
are random (inference speed does not depend on them). PyTorch's models are written here
(no torchvision): the same layers as keras.applications' ResNet50 and MobileNetV2.
TensorFlow runs in the reference environment (/work/tfref/bin/python) when present.

Numbers only mean something on a quiet machine: run it when nothing else is.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# run as a script, this directory comes first on sys.path, and its profile.py would shadow
# the standard library's (which torch imports)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != os.path.join(
    REPO, "benchmarks")]
TF_PYTHON = os.environ.get("NDFLOW_TF_PYTHON", "/work/tfref/bin/python")
WORKLOADS = ("resnet50_inference", "mobilenetv2_train_step")


# --- the measurements (run in the child) ------------------------------------------------------

def _timed(fn, steps):
    fn()                                   # warm-up
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - start) / steps


def run_keras_like(keras, function, workload, batch, size, steps):
    """ndflow (keras = ndflow.keras) or TensorFlow (tf.keras): the same program."""
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (batch, size, size, 3)).astype("float32")
    if workload == "resnet50_inference":
        model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3))
        infer = function(lambda images: model(images, training=False))
        seconds = _timed(lambda: np.asarray(infer(x)), steps)
        return {"images_per_s": batch / seconds}
    model = keras.applications.MobileNetV2(weights=None, input_shape=(size, size, 3))
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                  loss="sparse_categorical_crossentropy")
    y = rng.integers(0, 1000, batch)
    seconds = _timed(lambda: model.train_on_batch(x, y), steps)
    return {"s_per_step": seconds, "images_per_s": batch / seconds}


def torch_models():
    from torch import nn

    class Bottleneck(nn.Module):
        def __init__(self, cin, filters, stride, shortcut):
            super().__init__()
            bn = lambda c: nn.BatchNorm2d(c, eps=1.001e-5)  # noqa: E731
            self.body = nn.Sequential(
                nn.Conv2d(cin, filters, 1, stride), bn(filters), nn.ReLU(inplace=True),
                nn.Conv2d(filters, filters, 3, 1, 1), bn(filters), nn.ReLU(inplace=True),
                nn.Conv2d(filters, 4 * filters, 1), bn(4 * filters))
            self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride),
                                          bn(4 * filters)) if shortcut else nn.Identity()

        def forward(self, x):
            return (self.body(x) + self.shortcut(x)).relu_()

    def resnet50():
        layers = [nn.Conv2d(3, 64, 7, 2, 3), nn.BatchNorm2d(64, eps=1.001e-5), nn.ReLU(True),
                  nn.MaxPool2d(3, 2, 1)]
        cin = 64
        for filters, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(blocks):
                layers.append(Bottleneck(cin, filters, stride if i == 0 else 1, i == 0))
                cin = 4 * filters
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000),
                   nn.Softmax(dim=1)]
        return nn.Sequential(*layers)

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, stride, expansion):
            super().__init__()
            hidden = cin * expansion
            bn = lambda c: nn.BatchNorm2d(c, eps=1e-3, momentum=0.001)  # noqa: E731
            layers = [] if expansion == 1 else [nn.Conv2d(cin, hidden, 1, bias=False),
                                                bn(hidden), nn.ReLU6(True)]
            layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                       bn(hidden), nn.ReLU6(True), nn.Conv2d(hidden, cout, 1, bias=False),
                       bn(cout)]
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.residual else self.body(x)

    def mobilenet_v2():
        blocks = ((16, 1, 1, 1), (24, 2, 2, 6), (32, 3, 2, 6), (64, 4, 2, 6), (96, 3, 1, 6),
                  (160, 3, 2, 6), (320, 1, 1, 6))
        layers = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32, eps=1e-3),
                  nn.ReLU6(True)]
        cin = 32
        for cout, repeats, stride, expansion in blocks:
            for i in range(repeats):
                layers.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expansion))
                cin = cout
        layers += [nn.Conv2d(320, 1280, 1, bias=False), nn.BatchNorm2d(1280, eps=1e-3),
                   nn.ReLU6(True), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                   nn.Linear(1280, 1000)]
        return nn.Sequential(*layers)
    return resnet50, mobilenet_v2


def run_torch(workload, batch, size, steps):
    import torch
    torch.manual_seed(0)
    resnet50, mobilenet_v2 = torch_models()
    x = torch.rand(batch, 3, size, size) * 2 - 1
    if workload == "resnet50_inference":
        model = resnet50().eval()

        def infer():
            with torch.no_grad():
                return model(x)
        return {"images_per_s": batch / _timed(infer, steps)}
    model = mobilenet_v2().train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    y = torch.randint(0, 1000, (batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    seconds = _timed(step, steps)
    return {"s_per_step": seconds, "images_per_s": batch / seconds}


def child(framework, workload, batch, size, steps):
    if framework == "ndflow":
        sys.path.insert(0, REPO)
        import ndflow
        from ndflow import keras
        result = run_keras_like(keras, ndflow.function, workload, batch, size, steps)
        result["version"] = ndflow.__version__
    elif framework == "tensorflow":
        import tensorflow as tf
        result = run_keras_like(tf.keras, tf.function, workload, batch, size, steps)
        result["version"] = tf.__version__
    elif framework == "torch":
        import torch
        torch.set_num_threads(os.cpu_count() or 1)
        result = run_torch(workload, batch, size, steps)
        result["version"] = torch.__version__
    else:
        raise ValueError(f"unknown framework {framework!r}")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


# --- the driver -------------------------------------------------------------------------------

def measure(framework, workload, args):
    python = sys.executable
    if framework == "tensorflow":
        if not os.path.exists(TF_PYTHON):
            return {"error": f"no TensorFlow environment at {TF_PYTHON}"}
        python = TF_PYTHON
    command = [python, os.path.abspath(__file__), "--child", framework, workload,
               "--batch", str(args.batch), "--size", str(args.size), "--steps",
               str(args.steps)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run(command, capture_output=True, text=True, env=env,
                          timeout=args.timeout)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"error": tail[0][:200]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--frameworks", default="ndflow,torch,tensorflow")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--child", nargs=2, metavar=("FRAMEWORK", "WORKLOAD"))
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child, args.batch, args.size, args.steps)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"batch {args.batch}, {args.size}x{args.size}, {args.steps} timed steps, "
          f"{os.cpu_count()} CPUs, load average {load:.2f} at start")
    results = {}
    for workload in args.workloads.split(","):
        for framework in args.frameworks.split(","):
            r = measure(framework, workload, args)
            results[(workload, framework)] = r
            if "error" in r:
                print(f"{workload:24s} {framework:10s} not run: {r['error']}")
                continue
            extra = f", {r['s_per_step']:.3f} s/step" if "s_per_step" in r else ""
            print(f"{workload:24s} {framework:10s} {r['images_per_s']:8.2f} images/s{extra}, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB ({r['version']})")
        ours, torch_r = results.get((workload, "ndflow")), results.get((workload, "torch"))
        if ours and torch_r and "error" not in ours and "error" not in torch_r:
            speed = ours["images_per_s"] / torch_r["images_per_s"]
            memory = ours["peak_rss_mb"] / torch_r["peak_rss_mb"]
            print(f"{workload:24s} ndflow/torch: {speed:.2f}x images/s, {memory:.2f}x peak "
                  "memory")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.2f} at the end")
    return results


if __name__ == "__main__":
    main()
