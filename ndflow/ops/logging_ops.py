"""tf.print: prints tensor values when the op runs (eagerly, or at each call of a graph)."""
import sys

from ..framework.registry import execute, op
from ..framework.tensor import TensorLike
from ..util.export import export_many


def _format(xp, value):
    v = xp.asarray(value)
    return str(v) if v.ndim == 0 else xp.array2string(v, separator=" ")


@op("PrintV2", side_effect=True, differentiable=False, infer=lambda ts, a: [])
def PRINT(xp, *values, template, sep, end, stream):
    parts = iter(_format(xp, v) for v in values)
    text = sep.join(next(parts) if piece is None else piece for piece in template)
    print(text, end=end, file=sys.stderr if stream == "stderr" else sys.stdout)


def print_(*inputs, output_stream=sys.stderr, summarize=None, sep=" ", end="\n", name=None):
    """tf.print: tensors are printed with their values, other objects as str()."""
    template, tensors = [], []
    for x in inputs:
        if isinstance(x, TensorLike):
            template.append(None)
            tensors.append(x)
        else:
            template.append(str(x))
    stream = "stdout" if output_stream in (sys.stdout, "stdout") else "stderr"
    out = execute(PRINT, tuple(tensors), {"template": tuple(template), "sep": sep,
                                          "end": end, "stream": stream}, name)
    return out if hasattr(out, "graph") else None  # eagerly: printed already, nothing to run


export_many("", {"print": print_})
