"""Tests of ndflow.keras.

`ensure_components()` installs minimal stand-ins for the Keras components (optimizers,
callbacks) only while the real modules are not in the tree yet, so the engine's tests run
in either state; with the real modules present it does nothing.
"""
import importlib
import sys
import types

import numpy as np


def _has(module, attr):
    try:
        return hasattr(importlib.import_module(module), attr)
    except ImportError:
        return False


def ensure_components():
    import ndflow
    import ndflow.keras as keras
    if not _has("ndflow.keras.optimizers", "get"):
        opt = types.ModuleType("ndflow.keras.optimizers")

        class SGD:
            def __init__(self, learning_rate=0.01, name="SGD", **kwargs):
                self.learning_rate = learning_rate
                self.iterations = ndflow.Variable(np.int64(0), trainable=False)

            @property
            def variables(self):
                return [self.iterations]

            def apply_gradients(self, grads_and_vars):
                for g, v in grads_and_vars:
                    if g is not None:
                        v.assign_sub(g * self.learning_rate)
                self.iterations.assign_add(1)

        opt.SGD = SGD
        opt.Adam = SGD
        opt.get = lambda i: SGD(learning_rate=0.01) if isinstance(i, str) else i
        opt.serialize = lambda o: {"class_name": type(o).__name__, "config": {}}
        sys.modules["ndflow.keras.optimizers"] = opt
        keras.optimizers = opt
    if not _has("ndflow.keras.callbacks", "CallbackList"):
        cb = types.ModuleType("ndflow.keras.callbacks")

        class Callback:
            def __init__(self):
                self.model = None
                self.params = {}

            def set_model(self, model):
                self.model = model

            def set_params(self, params):
                self.params = params

        for hook in ("train", "test", "predict"):
            setattr(Callback, f"on_{hook}_begin", lambda self, logs=None: None)
            setattr(Callback, f"on_{hook}_end", lambda self, logs=None: None)
            setattr(Callback, f"on_{hook}_batch_begin", lambda self, b, logs=None: None)
            setattr(Callback, f"on_{hook}_batch_end", lambda self, b, logs=None: None)
        Callback.on_epoch_begin = lambda self, e, logs=None: None
        Callback.on_epoch_end = lambda self, e, logs=None: None

        class History(Callback):
            def on_train_begin(self, logs=None):
                self.history, self.epoch = {}, []

            def on_epoch_end(self, epoch, logs=None):
                self.epoch.append(epoch)
                for k, v in (logs or {}).items():
                    self.history.setdefault(k, []).append(v)

        class CallbackList:
            def __init__(self, callbacks=None, add_history=False, add_progbar=False,
                         model=None, **params):
                self.callbacks = list(callbacks or [])
                if add_history:
                    history = History()
                    self.callbacks.append(history)
                    model.history = history
                for c in self.callbacks:
                    c.set_model(model)
                    c.set_params(params)

            def __getattr__(self, name):
                def dispatch(*args, **kwargs):
                    for c in self.callbacks:
                        getattr(c, name)(*args, **kwargs)
                return dispatch

        cb.Callback, cb.History, cb.CallbackList = Callback, History, CallbackList
        sys.modules["ndflow.keras.callbacks"] = cb
        keras.callbacks = cb
