"""Writes tests/fixtures/tf_strings.json and tf_ragged.json: TensorFlow's results for the
cases in tests/strings/tf_cases.py and tests/ragged/tf_cases.py.

Run with the TensorFlow reference environment:
    /work/tfref/bin/python tools/make_tf_strings_ragged_fixtures.py
Each case is stored as its encoded result, or {"error": <exception class name>}.
"""
import importlib.util
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(relpath, name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, relpath))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(module, tf):
    out = {}
    for key, case in module.cases(tf).items():
        try:
            out[key] = module.encode(case())
        except Exception as e:  # noqa: BLE001 - the error class is the expected result
            out[key] = {"error": type(e).__name__}
    return out


def _write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def main():
    import tensorflow as tf
    meta = {"tensorflow": tf.__version__}
    for rel, name, target in (("tests/strings/tf_cases.py", "string_cases", "tf_strings.json"),
                              ("tests/ragged/tf_cases.py", "ragged_cases", "tf_ragged.json")):
        module = _load(rel, name)
        data = {"_meta": meta, "cases": _run(module, tf)}
        path = os.path.join(ROOT, "tests", "fixtures", target)
        _write(path, data)
        print(f"wrote {path}: {len(data['cases'])} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
