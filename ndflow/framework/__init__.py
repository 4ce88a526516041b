"""The core: dtypes, shapes, tensors, variables, graphs, dispatch, autodiff, Session, function."""
