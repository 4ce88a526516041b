"""tf.einsum: one op whose gradient for each operand is another einsum."""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, fallback_infer, op
from ..framework.tensor_shape import TensorShape
from . import array_ops as A


def _parse(equation, count):
    """(input subscripts, output subscripts) with the implicit output made explicit."""
    equation = equation.replace(" ", "")
    if "->" in equation:
        lhs, out = equation.split("->")
    else:  # implicit mode: letters that appear once, in alphabetical order
        lhs = equation
        letters = lhs.replace(",", "").replace(".", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        if "..." in lhs:
            out = "..." + out
    inputs = lhs.split(",")
    if len(inputs) != count:
        raise InvalidArgumentError(f"Einsum: equation {equation!r} names {len(inputs)} operands "
                                   f"but {count} were given.")
    return inputs, out


def _einsum_infer(ts, attrs):
    inputs, out = _parse(attrs["equation"], len(ts))
    if "..." in attrs["equation"] or any(t.shape.rank is None for t in ts):
        return fallback_infer(EINSUM, ts, attrs)
    sizes = {}
    for subscripts, t in zip(inputs, ts):
        if len(subscripts) != t.shape.rank:
            raise InvalidArgumentError(f"Einsum: subscripts {subscripts!r} do not match the "
                                       f"operand of shape {t.shape}.")
        for letter, d in zip(subscripts, t.shape.dims):
            known = sizes.get(letter)
            if known is not None and d is not None and known != d and 1 not in (known, d):
                raise InvalidArgumentError(f"Einsum: dimension {letter!r} is {known} in one "
                                           f"operand and {d} in another "
                                           f"({attrs['equation']!r}).")
            if known is None or known == 1:
                sizes[letter] = d
    return [(TensorShape([sizes.get(c) for c in out]), ts[0].dtype)]


@op("Einsum", infer=_einsum_infer)
def EINSUM(xp, *operands, equation):
    return xp.einsum(equation, *operands)


@EINSUM.gradient
def _einsum_grad(op, g):
    inputs, out = _parse(op.attrs["equation"], len(op.inputs))
    grads = []
    for i, (subscripts, x) in enumerate(zip(inputs, op.inputs)):
        if len(set(subscripts)) != len(subscripts) or "." in subscripts:
            raise NotImplementedError(f"Einsum: no gradient for repeated subscripts or ellipsis "
                                      f"({op.attrs['equation']!r}).")
        others = [s for j, s in enumerate(inputs) if j != i]
        other_tensors = [t for j, t in enumerate(op.inputs) if j != i]
        available = set(out).union(*others)
        # letters only this operand has were summed away: the gradient is constant along them
        kept = "".join(c for c in subscripts if c in available)
        equation = ",".join([out] + others) + "->" + kept
        grad = execute(EINSUM, (g,) + tuple(other_tensors), {"equation": equation})
        for axis, c in enumerate(subscripts):
            if c not in available:
                grad = A.expand_dims(grad, axis)
        grads.append(A.broadcast_to_like(grad, x) if kept != subscripts else grad)
    return grads


def einsum(equation, *inputs, **kwargs):
    kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}.")
    if not inputs:
        raise ValueError("einsum: at least one operand is required.")
    _parse(equation, len(inputs))  # checks the operand count before anything runs
    return execute(EINSUM, tuple(inputs), {"equation": equation.replace(" ", "")})
