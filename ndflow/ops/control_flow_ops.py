"""Grouping and ordering: no_op, group, tuple, control_dependencies."""
from ..framework.graph import Operation, graph_for_building, get_default_graph
from ..framework.registry import op, _execute_graph
from ..framework.tensor import SymbolicTensor
from ..framework.tensor_shape import TensorShape


# no_op, group, tuple and control_dependencies live with the graph; re-exported here.
from ..framework.ordering import (NO_OP, NoOp, _flatten, control_dependencies,  # noqa: E402,F401
                                  group, no_op, tuple_)


from ..util.export import export_many  # noqa: E402

export_many("", {"group": group, "no_op": no_op, "control_dependencies": control_dependencies,
                 "tuple": tuple_})
