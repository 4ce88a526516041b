"""How a gradient-check sample for one registered op is described.

Every module `tests/gradcheck/samples_*.py` defines `SAMPLES`, a list of `Sample`s;
`tests/test_gradients_registry.py` checks each against central finite differences in
float64 and fails for any differentiable op in the registry without a sample.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence


@dataclass
class Sample:
    op: str                          # registry name the sample must exercise (e.g. "MatMul")
    fn: Callable                     # fn(*tensors) -> tensor, written with the public API
    shapes: Sequence = ()            # shapes of the random float64 inputs
    inputs: Optional[Sequence] = None  # explicit float64 arrays instead of random ones
    low: float = -1.0                # random inputs are uniform in [low, high]
    high: float = 1.0
    away_from: Sequence = field(default_factory=tuple)  # kinks to keep inputs away from
    second_order: bool = False       # also check the gradient of the gradient
    atol: float = 1e-6
    rtol: float = 1e-5
