"""hvd.DistributedOptimizer for Keras optimizers: the same optimizer class, whose `apply`
(and so `apply_gradients`, `minimize` and Keras `fit`'s train step) first reduces the
gradients over the ranks in one fused allreduce."""

_classes = {}


def distributed_keras_optimizer(optimizer, name, compression, op, predivide):
    from . import _predivide, _reduce_gradients
    base = type(optimizer)
    if getattr(base, "_nd_horovod", False):
        raise ValueError("The optimizer is already a hvd.DistributedOptimizer.")
    cls = _classes.get(base)
    if cls is None:
        def apply(self, grads, trainable_variables=None):
            grads = _reduce_gradients(list(grads), self._nd_hvd_op, self._nd_hvd_compression,
                                      self._nd_hvd_pre, self._nd_hvd_post)
            return base.apply(self, grads, trainable_variables)
        # same name as the wrapped class, so saved models name a class Keras knows
        cls = type(base.__name__, (base,), {"apply": apply, "_nd_horovod": True,
                                            "__module__": base.__module__,
                                            "__qualname__": base.__qualname__})
        _classes[base] = cls
    config = optimizer.get_config()
    if name is not None:
        config["name"] = name
    new = cls.from_config(config)
    new._nd_hvd_op, new._nd_hvd_pre, new._nd_hvd_post = _predivide(op, predivide)
    new._nd_hvd_compression = compression
    return new
