"""Every primitive op, defined once: kernel, shape/dtype inference and gradient."""
from . import array_ops, math_ops, state_ops, control_flow_ops, random_ops, nn_ops  # noqa: F401
from . import logging_ops, optimizer_ops  # noqa: F401
from . import array_extra_ops, math_extra_ops, activation_ops  # noqa: F401,E402
from . import conv_ops  # noqa: F401,E402
from ..framework import control_flow  # noqa: F401,E402  (If, Case, While ops)
from . import functional_ops, tensor_array_ops  # noqa: F401,E402
from . import operators  # noqa: F401  (attaches Python operators to tensors and variables)
