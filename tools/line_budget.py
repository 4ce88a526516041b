"""Code lines per module of ndflow/framework and per top-level package of ndflow.

A code line is a line holding a token other than comments and docstrings (blank lines,
comment lines and docstring lines are not counted). Exits 1 when the framework (the engine)
is over its budget.

    python tools/line_budget.py
"""
import ast
import io
import os
import sys
import tokenize

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ndflow")
FRAMEWORK_BUDGET = 3000  # code lines in ndflow/framework (issue 9)


def _docstring_lines(tree):
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def code_lines(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    skip = _docstring_lines(ast.parse(source, path))
    ignored = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
               tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING)
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in ignored:
            continue
        for n in range(tok.start[0], tok.end[0] + 1):
            if n not in skip:
                lines.add(n)
    return len(lines)


def _py_files(directory):
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


def main():
    root = os.path.normpath(ROOT)
    framework = os.path.join(root, "framework")
    print("ndflow/framework, code lines per module:")
    fw_total = 0
    for path in _py_files(framework):
        n = code_lines(path)
        fw_total += n
        print(f"  {os.path.relpath(path, root):40s} {n:6d}")
    print("\nndflow, code lines per top-level package or module:")
    totals = {}
    for path in _py_files(root):
        top = os.path.relpath(path, root).split(os.sep)[0]
        totals[top] = totals.get(top, 0) + code_lines(path)
    for top, n in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {top:40s} {n:6d}")
    print(f"  {'(all of ndflow)':40s} {sum(totals.values()):6d}")
    ok = fw_total <= FRAMEWORK_BUDGET
    print(f"\nframework total: {fw_total} code lines (budget {FRAMEWORK_BUDGET}): "
          f"{'OK' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
