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



def _summarize_v1(xp, value, limit):
    """TF1 Print's form of a tensor: nested brackets, at most `limit` entries then '...'."""
    v = xp.asarray(value)

    def text(x):
        if isinstance(x, bytes):
            return x.decode("utf-8", "replace")
        if isinstance(x, bool):
            return str(int(x))
        return f"{x:g}" if isinstance(x, float) else str(x)
    if v.ndim == 0:
        return "[" + text(v.item()) + "]"
    flat, count, out = v.reshape(-1).tolist(), [0], []

    def dim(d):
        for i in range(v.shape[d]):
            if count[0] >= limit:
                out.append("...")
                return
            if d < v.ndim - 1:
                out.append("[")
                dim(d + 1)
                out.append("]")
            else:
                if i > 0:
                    out.append(" ")
                out.append(text(flat[count[0]]))
                count[0] += 1
    dim(0)
    return "[" + "".join(out) + "]"


@op("Print", side_effect=True, differentiable=False, infer=lambda ts, a: [])
def PRINT_V1(xp, *data, message, first_n, summarize, counter):
    counter[0] += 1
    if first_n is not None and 0 <= first_n < counter[0]:
        return
    print(message + "".join(_summarize_v1(xp, d, summarize) for d in data), file=sys.stderr)


def print_v1(input_, data, message=None, first_n=None, summarize=None, name=None):
    """tf.Print (TF1): returns `input_`, printing `message` and the `data` tensors to stderr
    whenever the returned tensor is computed (the first `first_n` times, if given).

    Each tensor prints as nested brackets of at most `summarize` (default 3) entries.
    """
    from ..framework.ordering import control_dependencies
    from .array_ops import convert_to_tensor, identity
    input_ = convert_to_tensor(input_)
    data = [convert_to_tensor(d) for d in data]
    attrs = {"message": "" if message is None else str(message),
             "first_n": None if first_n is None else int(first_n),
             "summarize": 3 if summarize is None else int(summarize), "counter": [0]}
    printed = execute(PRINT_V1, tuple(data), attrs, name or "Print")
    if not hasattr(printed, "graph"):
        return input_  # eagerly: printed already
    with control_dependencies([printed]):
        return identity(input_)


export_many("v1", {"Print": print_v1})
export_many("", {"print": print_})
