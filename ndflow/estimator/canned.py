"""Canned estimators: DNN, Linear and DNNLinearCombined Classifier / Regressor.

Each is an `Estimator` whose model_fn builds the logits from feature columns (a DNN over
`input_layer`, or `linear_model`) and a head: softmax cross-entropy (n_classes > 2),
sigmoid cross-entropy (n_classes == 2) or squared error (regressors), reduced by
`loss_reduction` (TF1's `tf.compat.v1.estimator` classes sum over the batch; the TF2
`tf.estimator` ones average).
"""
import math

from ..compat import v1 as _tf1
from ..framework import dtypes
from ..train.optimizer import Optimizer
from . import feature_column as fc
from .estimator import Estimator, EstimatorSpec, ModeKeys

SUM = "weighted_sum"
SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
_DNN_LEARNING_RATE = 0.05
_LINEAR_LEARNING_RATE = 0.2
_OPTIMIZERS = {"Adagrad": lambda lr: _tf1.train.AdagradOptimizer(lr),
               "Adam": lambda lr: _tf1.train.AdamOptimizer(lr),
               "Ftrl": lambda lr: _tf1.train.FtrlOptimizer(lr),
               "RMSProp": lambda lr: _tf1.train.RMSPropOptimizer(lr),
               "SGD": lambda lr: _tf1.train.GradientDescentOptimizer(lr)}


def _optimizer(opt, learning_rate):
    """TF's get_optimizer_instance: a name, an Optimizer, or a function returning one."""
    if isinstance(opt, str):
        if opt not in _OPTIMIZERS:
            raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: "
                             f"{tuple(sorted(_OPTIMIZERS))}")
        return _OPTIMIZERS[opt](learning_rate)
    if callable(opt) and not isinstance(opt, Optimizer):
        opt = opt()
    if not isinstance(opt, Optimizer):
        hint = (" Keras optimizers do not run in an Estimator's TF1 graph here: pass a name "
                "('Adam', 'Adagrad', ...) or a tf.compat.v1.train optimizer."
                if type(opt).__module__.startswith("ndflow.keras") else "")
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}.{hint}")
    return opt


def _check_reduction(loss_reduction):
    allowed = ("weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
               "weighted_sum_by_nonzero_weights")
    if loss_reduction not in allowed:
        raise ValueError(f"Invalid loss_reduction: {loss_reduction}. Expected one of "
                         f"{allowed}.")


class _Head:
    """Loss, predictions and metrics for logits [batch, logits_dimension]."""

    def __init__(self, kind, n, weight_column, label_vocabulary, loss_reduction):
        self.kind, self.n = kind, n
        self.weight_column, self.label_vocabulary = weight_column, label_vocabulary
        self.loss_reduction = loss_reduction
        self.logits_dimension = n if kind != "binary" else 1

    def _weights(self, features):
        if self.weight_column is None:
            return 1.0
        key = self.weight_column if isinstance(self.weight_column, str) else \
            self.weight_column.key
        if not isinstance(features, dict) or key not in features:
            raise ValueError(f"Feature {key} (the weight_column) is not in features "
                             f"dictionary.")
        w = _tf1.cast(features[key], dtypes.float32)
        return _tf1.reshape(w, [-1, 1])

    def _labels(self, labels):
        if labels is None:
            raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                             "troubleshooting steps: Check that your data contain your label "
                             "feature. Check that your input_fn properly parses and returns "
                             "labels.")
        if isinstance(labels, dict):
            if len(labels) != 1:
                raise ValueError(f"labels must be a tensor, or a dict with one entry; got "
                                 f"keys {sorted(labels)}.")
            labels = next(iter(labels.values()))
        labels = _tf1.convert_to_tensor(labels)
        if labels.shape.rank == 1:
            labels = _tf1.expand_dims(labels, -1)
        if self.kind == "regression":
            return _tf1.cast(labels, dtypes.float32)
        if self.label_vocabulary is not None:
            if labels.dtype != dtypes.string:
                raise ValueError("Labels dtype should be string if there is a vocabulary. "
                                 f"Given: {labels.dtype}")
            ids = fc._vocabulary_ids(labels, tuple(v.encode() if isinstance(v, str) else v
                                                   for v in self.label_vocabulary), -1, 0)
            check = _tf1.debugging.assert_non_negative(
                ids, message="Labels must be in the label_vocabulary")
        else:
            if labels.dtype == dtypes.string:
                raise ValueError("Labels dtype should be integer. Instead got string: pass "
                                 "label_vocabulary for string labels.")
            ids = _tf1.cast(labels, dtypes.int64)
            check = _tf1.debugging.assert_less(
                ids, _tf1.constant(self.n, dtypes.int64),
                message=f"Labels must <= n_classes - 1 (n_classes = {self.n})")
        with _tf1.control_dependencies([check, _tf1.debugging.assert_non_negative(
                ids, message="Labels must >= 0")]):
            return _tf1.identity(ids)

    def _classes(self, class_ids):
        if self.label_vocabulary is None:
            return _tf1.strings.as_string(class_ids)
        table = _tf1.constant([v.encode() if isinstance(v, str) else v
                               for v in self.label_vocabulary])
        return _tf1.gather(table, class_ids)

    def predictions(self, logits):
        if self.kind == "regression":
            return {"predictions": logits}
        if self.kind == "binary":
            logistic = _tf1.sigmoid(logits)
            two = _tf1.concat([_tf1.zeros_like(logits), logits], 1)
            probabilities = _tf1.nn.softmax(two)
            out = {"logits": logits, "logistic": logistic, "probabilities": probabilities}
        else:
            two = logits
            out = {"logits": logits, "probabilities": _tf1.nn.softmax(logits)}
        class_ids = _tf1.expand_dims(_tf1.argmax(two, axis=1, output_type=dtypes.int64), -1)
        out["class_ids"] = class_ids
        out["classes"] = self._classes(class_ids)
        n = self.n
        all_ids = _tf1.expand_dims(_tf1.range(n, dtype=dtypes.int64), 0) + \
            _tf1.zeros_like(class_ids)  # [batch, n_classes]
        out["all_class_ids"] = _tf1.cast(all_ids, dtypes.int32)
        out["all_classes"] = self._classes(all_ids)
        return out

    def unreduced_loss(self, labels, logits):
        reduction = "none"
        if self.kind == "regression":
            if labels.shape.rank is not None and logits.shape.rank is not None and \
                    labels.shape.as_list()[-1] not in (None, logits.shape.as_list()[-1]):
                raise ValueError(f"Mismatched label shape. Expected labels dimension="
                                 f"{logits.shape.as_list()[-1]}. Received "
                                 f"{labels.shape.as_list()[-1]}.")
            return _tf1.squared_difference(labels, logits)
        if self.kind == "binary":
            return _tf1.losses.sigmoid_cross_entropy(_tf1.cast(labels, dtypes.float32), logits,
                                                     reduction=reduction,
                                                     loss_collection=None)
        return _tf1.expand_dims(_tf1.losses.sparse_softmax_cross_entropy(
            _tf1.reshape(labels, [-1]), logits, reduction=reduction, loss_collection=None), -1)

    def create_estimator_spec(self, features, mode, logits, labels, train_op_fn):
        predictions = self.predictions(logits)
        if mode == ModeKeys.PREDICT:
            return EstimatorSpec(mode, predictions=predictions)
        labels = self._labels(labels)
        weights = self._weights(features)
        unreduced = self.unreduced_loss(labels, logits)
        loss = _tf1.losses.compute_weighted_loss(unreduced, weights,
                                                 reduction=self.loss_reduction,
                                                 loss_collection=None)
        if mode == ModeKeys.EVAL:
            return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                 eval_metric_ops=self._metrics(labels, predictions, unreduced,
                                                               weights))
        return EstimatorSpec(mode, predictions=predictions, loss=loss,
                             train_op=train_op_fn(loss))

    def _metrics(self, labels, predictions, unreduced, weights):
        w = None if isinstance(weights, float) else weights
        m = _tf1.metrics
        out = {"average_loss": m.mean(unreduced, w, name="average_loss")}
        if self.kind == "regression":
            out["prediction/mean"] = m.mean(predictions["predictions"], w,
                                            name="prediction/mean")
            out["label/mean"] = m.mean(labels, w, name="label/mean")
            return out
        out["accuracy"] = m.accuracy(labels, predictions["class_ids"], w, name="accuracy")
        if self.kind == "binary":
            flabels = _tf1.cast(labels, dtypes.float32)
            logistic = predictions["logistic"]
            out["precision"] = m.precision(labels, predictions["class_ids"], w,
                                           name="precision")
            out["recall"] = m.recall(labels, predictions["class_ids"], w, name="recall")
            out["prediction/mean"] = m.mean(logistic, w, name="prediction/mean")
            label_mean = m.mean(flabels, w, name="label/mean")
            out["label/mean"] = label_mean
            out["accuracy_baseline"] = (
                _tf1.maximum(label_mean[0], 1.0 - label_mean[0]),
                _tf1.maximum(label_mean[1], 1.0 - label_mean[1]))
            out["auc"] = m.auc(flabels, logistic, w, curve="ROC", name="auc")
            out["auc_precision_recall"] = m.auc(flabels, logistic, w, curve="PR",
                                                name="auc_precision_recall")
        return out


def _classification_head(n_classes, weight_column, label_vocabulary, loss_reduction):
    if n_classes is None or n_classes < 2:
        raise ValueError(f"n_classes must be > 1 for classification: {n_classes}")
    if label_vocabulary is not None:
        if not isinstance(label_vocabulary, (list, tuple)):
            raise ValueError(f"label_vocabulary should be a list or a tuple. Given type: "
                             f"{type(label_vocabulary)}")
        if len(label_vocabulary) != n_classes:
            raise ValueError(f"label_vocabulary has {len(label_vocabulary)} entries but "
                             f"n_classes is {n_classes}.")
    _check_reduction(loss_reduction)
    return _Head("binary" if n_classes == 2 else "multi_class", int(n_classes), weight_column,
                 label_vocabulary, loss_reduction)


def _regression_head(label_dimension, weight_column, loss_reduction):
    if label_dimension < 1:
        raise ValueError(f"Invalid label_dimension {label_dimension}.")
    _check_reduction(loss_reduction)
    return _Head("regression", int(label_dimension), weight_column, None, loss_reduction)


def _train_op_fn(optimizer):
    def train_op_fn(loss):
        updates = _tf1.get_collection("update_ops")
        with _tf1.control_dependencies(updates):
            return optimizer.minimize(loss, global_step=_tf1.train.get_global_step())
    return train_op_fn


def _check_features(features):
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")


def _dnn_logits(features, mode, units, hidden_units, feature_columns, activation_fn, dropout,
                batch_norm):
    training = mode == ModeKeys.TRAIN
    with _tf1.variable_scope("dnn"):
        with _tf1.variable_scope("input_from_feature_columns"):
            net = fc.input_layer(features, feature_columns)
        for i, n in enumerate(hidden_units):
            net = _tf1.layers.dense(net, n, activation=activation_fn,
                                    kernel_initializer=_tf1.glorot_uniform_initializer(),
                                    name=f"hiddenlayer_{i}")
            if dropout is not None and training:
                net = _tf1.layers.dropout(net, rate=dropout, training=True)
            if batch_norm:
                net = _tf1.layers.batch_normalization(net, momentum=0.999, training=training,
                                                      name=f"hiddenlayer_{i}/batchnorm_{i}")
        return _tf1.layers.dense(net, units, activation=None,
                                 kernel_initializer=_tf1.glorot_uniform_initializer(),
                                 name="logits")


def _linear_logits(features, units, feature_columns, sparse_combiner):
    with _tf1.variable_scope("linear"):
        return fc.linear_model(features, feature_columns, units=units,
                               sparse_combiner=sparse_combiner)


def _linear_rate(feature_columns):
    return min(_LINEAR_LEARNING_RATE, 1.0 / math.sqrt(len(feature_columns)))


def _dnn_model_fn(features, labels, mode, head, hidden_units, feature_columns, optimizer,
                  activation_fn, dropout, batch_norm):
    _check_features(features)
    logits = _dnn_logits(features, mode, head.logits_dimension, hidden_units, feature_columns,
                         activation_fn, dropout, batch_norm)
    opt = _optimizer(optimizer, _DNN_LEARNING_RATE)
    return head.create_estimator_spec(features, mode, logits, labels, _train_op_fn(opt))


def _linear_model_fn(features, labels, mode, head, feature_columns, optimizer, sparse_combiner):
    _check_features(features)
    logits = _linear_logits(features, head.logits_dimension, feature_columns, sparse_combiner)
    opt = _optimizer(optimizer, _linear_rate(feature_columns))
    return head.create_estimator_spec(features, mode, logits, labels, _train_op_fn(opt))


def _combined_model_fn(features, labels, mode, head, linear_columns, linear_optimizer,
                       dnn_columns, dnn_optimizer, hidden_units, activation_fn, dropout,
                       batch_norm, sparse_combiner):
    _check_features(features)
    parts, steps = [], []
    if dnn_columns:
        parts.append(_dnn_logits(features, mode, head.logits_dimension, hidden_units,
                                 dnn_columns, activation_fn, dropout, batch_norm))
        steps.append(("dnn", _optimizer(dnn_optimizer, _DNN_LEARNING_RATE)))
    if linear_columns:
        parts.append(_linear_logits(features, head.logits_dimension, linear_columns,
                                    sparse_combiner))
        steps.append(("linear", _optimizer(linear_optimizer, _linear_rate(linear_columns))))
    logits = parts[0] if len(parts) == 1 else _tf1.add_n(parts)

    def train_op_fn(loss):  # each part trained by its optimizer, the step counted once
        updates = _tf1.get_collection("update_ops")
        with _tf1.control_dependencies(updates):
            ops = [opt.minimize(loss, var_list=_tf1.get_collection("trainable_variables",
                                                                   scope=scope + "/"))
                   for scope, opt in steps]
        with _tf1.control_dependencies(ops):
            return _tf1.assign_add(_tf1.train.get_global_step(),
                                   _tf1.constant(1, dtypes.int64)).op
    return head.create_estimator_spec(features, mode, logits, labels, train_op_fn)


def _check_dnn(hidden_units, feature_columns):
    if not hidden_units or any(int(u) <= 0 for u in hidden_units):
        raise ValueError(f"hidden_units must be a non-empty list of positive ints; got "
                         f"{hidden_units}.")
    return list(feature_columns or ())


def _unsupported(name, value):
    if value is not None:
        raise ValueError(f"{name} is not supported by ndflow's canned estimators.")


class DNNClassifier(Estimator):
    """A feed-forward network classifier over feature columns.

    Hidden layers `dnn/hiddenlayer_<i>` (activation_fn, Glorot-uniform kernels), logits
    `dnn/logits`; softmax cross-entropy for n_classes > 2, sigmoid cross-entropy for 2.
    Predictions: logits, probabilities, class_ids, classes (and logistic for 2 classes),
    all_class_ids, all_classes. evaluate() also reports accuracy and average_loss (binary:
    precision, recall, auc, auc_precision_recall, label/mean, prediction/mean,
    accuracy_baseline).

    Args:
      hidden_units: Units of each hidden layer, e.g. [64, 32].
      feature_columns: Dense feature columns (numeric, indicator, embedding, bucketized).
      model_dir: The model directory.
      n_classes: The number of classes (>= 2); labels are ints in [0, n_classes).
      weight_column: The name (or numeric column) of a feature holding example weights.
      label_vocabulary: The class names when labels are strings.
      optimizer: 'Adagrad' (default, learning rate 0.05), 'Adam', 'Ftrl', 'RMSProp', 'SGD',
        an Optimizer, or a function returning one.
      activation_fn: The hidden layers' activation (default relu).
      dropout: The dropout rate of hidden layers in training (None: no dropout).
      input_layer_partitioner: Not supported (must be None).
      config: A `RunConfig`.
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      batch_norm: Whether to batch-normalize after each hidden layer.

    Raises:
      ValueError: n_classes < 2, empty hidden_units, or an unknown optimizer name.
    """

    _reduction = SUM

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=None, dropout=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False):
        _unsupported("input_layer_partitioner", input_layer_partitioner)
        columns = _check_dnn(hidden_units, feature_columns)
        head = _classification_head(n_classes, weight_column, label_vocabulary,
                                    loss_reduction or self._reduction)
        activation = activation_fn or _tf1.nn.relu

        def model_fn(features, labels, mode, config):
            return _dnn_model_fn(features, labels, mode, head, list(hidden_units), columns,
                                 optimizer, activation, dropout, batch_norm)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class DNNRegressor(Estimator):
    """A feed-forward network regressor over feature columns (squared-error loss).

    Predictions: {'predictions': [batch, label_dimension]}. evaluate() also reports
    average_loss, label/mean and prediction/mean.

    Args:
      hidden_units: Units of each hidden layer.
      feature_columns: Dense feature columns.
      model_dir: The model directory.
      label_dimension: The number of regression targets per example.
      weight_column: The name (or numeric column) of a feature holding example weights.
      optimizer: As for `DNNClassifier` (default 'Adagrad', learning rate 0.05).
      activation_fn: The hidden layers' activation (default relu).
      dropout: The dropout rate of hidden layers in training.
      input_layer_partitioner: Not supported (must be None).
      config: A `RunConfig`.
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      batch_norm: Whether to batch-normalize after each hidden layer.

    Raises:
      ValueError: empty hidden_units, a bad label_dimension or optimizer name.
    """

    _reduction = SUM

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=None, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction=None, batch_norm=False):
        _unsupported("input_layer_partitioner", input_layer_partitioner)
        columns = _check_dnn(hidden_units, feature_columns)
        head = _regression_head(label_dimension, weight_column,
                                loss_reduction or self._reduction)
        activation = activation_fn or _tf1.nn.relu

        def model_fn(features, labels, mode, config):
            return _dnn_model_fn(features, labels, mode, head, list(hidden_units), columns,
                                 optimizer, activation, dropout, batch_norm)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class LinearClassifier(Estimator):
    """A linear classifier over feature columns (`linear/linear_model/...` weights, zero
    at the start).

    Args:
      feature_columns: Dense or categorical feature columns.
      model_dir: The model directory.
      n_classes: The number of classes (>= 2).
      weight_column: The name (or numeric column) of a feature holding example weights.
      label_vocabulary: The class names when labels are strings.
      optimizer: 'Ftrl' (default, learning rate min(0.2, 1/sqrt(number of columns))), another
        name, an Optimizer, or a function returning one.
      config: A `RunConfig`.
      partitioner: Not supported (must be None).
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      sparse_combiner: How a categorical column's several ids combine: 'sum' (default),
        'mean' or 'sqrtn'.

    Raises:
      ValueError: n_classes < 2 or an unknown optimizer name.
    """

    _reduction = SUM

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=None, sparse_combiner="sum"):
        _unsupported("partitioner", partitioner)
        columns = list(feature_columns or ())
        head = _classification_head(n_classes, weight_column, label_vocabulary,
                                    loss_reduction or self._reduction)

        def model_fn(features, labels, mode, config):
            return _linear_model_fn(features, labels, mode, head, columns, optimizer,
                                    sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class LinearRegressor(Estimator):
    """A linear regressor over feature columns (squared-error loss).

    Args:
      feature_columns: Dense or categorical feature columns.
      model_dir: The model directory.
      label_dimension: The number of regression targets per example.
      weight_column: The name (or numeric column) of a feature holding example weights.
      optimizer: 'Ftrl' (default), another name, an Optimizer, or a function returning one.
      config: A `RunConfig`.
      partitioner: Not supported (must be None).
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      sparse_combiner: 'sum' (default), 'mean' or 'sqrtn'.

    Raises:
      ValueError: a bad label_dimension or optimizer name.
    """

    _reduction = SUM

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=None, sparse_combiner="sum"):
        _unsupported("partitioner", partitioner)
        columns = list(feature_columns or ())
        head = _regression_head(label_dimension, weight_column,
                                loss_reduction or self._reduction)

        def model_fn(features, labels, mode, config):
            return _linear_model_fn(features, labels, mode, head, columns, optimizer,
                                    sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


def _check_combined(linear_feature_columns, dnn_feature_columns, dnn_hidden_units):
    linear = list(linear_feature_columns or ())
    dnn = list(dnn_feature_columns or ())
    if not linear and not dnn:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    if dnn:
        _check_dnn(dnn_hidden_units, dnn)
    return linear, dnn


class DNNLinearCombinedClassifier(Estimator):
    """A wide-and-deep classifier: the logits of a linear model (`linear/...`, trained by
    `linear_optimizer`) plus those of a DNN (`dnn/...`, trained by `dnn_optimizer`).

    Args:
      model_dir: The model directory.
      linear_feature_columns: The linear part's columns (dense or categorical).
      linear_optimizer: Default 'Ftrl' (learning rate min(0.2, 1/sqrt(columns))).
      dnn_feature_columns: The DNN part's dense columns.
      dnn_optimizer: Default 'Adagrad' (learning rate 0.05).
      dnn_hidden_units: Units of each hidden layer.
      dnn_activation_fn: The hidden layers' activation (default relu).
      dnn_dropout: The hidden layers' dropout rate in training.
      n_classes: The number of classes (>= 2).
      weight_column: The name (or numeric column) of a feature holding example weights.
      label_vocabulary: The class names when labels are strings.
      input_layer_partitioner: Not supported (must be None).
      config: A `RunConfig`.
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      batch_norm: Whether to batch-normalize after each hidden layer.
      linear_sparse_combiner: 'sum' (default), 'mean' or 'sqrtn'.

    Raises:
      ValueError: no columns at all, n_classes < 2, or DNN columns without hidden units.
    """

    _reduction = SUM

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=None, dnn_dropout=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _unsupported("input_layer_partitioner", input_layer_partitioner)
        linear, dnn = _check_combined(linear_feature_columns, dnn_feature_columns,
                                      dnn_hidden_units)
        head = _classification_head(n_classes, weight_column, label_vocabulary,
                                    loss_reduction or self._reduction)
        activation = dnn_activation_fn or _tf1.nn.relu

        def model_fn(features, labels, mode, config):
            return _combined_model_fn(features, labels, mode, head, linear, linear_optimizer,
                                      dnn, dnn_optimizer, list(dnn_hidden_units or ()),
                                      activation, dnn_dropout, batch_norm,
                                      linear_sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class DNNLinearCombinedRegressor(Estimator):
    """A wide-and-deep regressor: linear logits plus DNN logits, squared-error loss.

    Args:
      model_dir: The model directory.
      linear_feature_columns: The linear part's columns.
      linear_optimizer: Default 'Ftrl'.
      dnn_feature_columns: The DNN part's dense columns.
      dnn_optimizer: Default 'Adagrad'.
      dnn_hidden_units: Units of each hidden layer.
      dnn_activation_fn: The hidden layers' activation (default relu).
      dnn_dropout: The hidden layers' dropout rate in training.
      label_dimension: The number of regression targets per example.
      weight_column: The name (or numeric column) of a feature holding example weights.
      input_layer_partitioner: Not supported (must be None).
      config: A `RunConfig`.
      warm_start_from: Not supported (must be None).
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
      batch_norm: Whether to batch-normalize after each hidden layer.
      linear_sparse_combiner: 'sum' (default), 'mean' or 'sqrtn'.

    Raises:
      ValueError: no columns at all, or DNN columns without hidden units.
    """

    _reduction = SUM

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=None, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _unsupported("input_layer_partitioner", input_layer_partitioner)
        linear, dnn = _check_combined(linear_feature_columns, dnn_feature_columns,
                                      dnn_hidden_units)
        head = _regression_head(label_dimension, weight_column,
                                loss_reduction or self._reduction)
        activation = dnn_activation_fn or _tf1.nn.relu

        def model_fn(features, labels, mode, config):
            return _combined_model_fn(features, labels, mode, head, linear, linear_optimizer,
                                      dnn, dnn_optimizer, list(dnn_hidden_units or ()),
                                      activation, dnn_dropout, batch_norm,
                                      linear_sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


def _baseline_model_fn(features, labels, mode, head, optimizer):
    """Logits = a learned bias per output, the same for every example."""
    _check_features(features)
    if not features:
        raise ValueError("The baseline estimators need at least one feature (for the batch "
                         "size).")
    first = _tf1.convert_to_tensor(features[sorted(features)[0]])
    with _tf1.variable_scope("baseline"):
        bias = _tf1.get_variable("bias", [head.logits_dimension],
                                 initializer=_tf1.zeros_initializer())
        ones = _tf1.ones(_tf1.stack([_tf1.shape(first)[0], 1]), dtypes.float32)
        logits = ones * bias
    opt = _optimizer(optimizer, _BASELINE_LEARNING_RATE)
    return head.create_estimator_spec(features, mode, logits, labels, _train_op_fn(opt))


_BASELINE_LEARNING_RATE = 0.3


class BaselineClassifier(Estimator):
    """Predicts the (learned) prior of each class, ignoring the feature values: the logits
    are the variable `baseline/bias`.

    Args:
      model_dir: The model directory.
      n_classes: The number of classes (>= 2).
      weight_column: The name (or numeric column) of a feature holding example weights.
      label_vocabulary: The class names when labels are strings.
      optimizer: 'Ftrl' (default, learning rate 0.3), another name, an Optimizer or a
        function returning one.
      config: A `RunConfig`.
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).

    Raises:
      ValueError: n_classes < 2.
    """

    _reduction = SUM

    def __init__(self, model_dir=None, n_classes=2, weight_column=None, label_vocabulary=None,
                 optimizer="Ftrl", config=None, loss_reduction=None):
        head = _classification_head(n_classes, weight_column, label_vocabulary,
                                    loss_reduction or self._reduction)

        def model_fn(features, labels, mode, config):
            return _baseline_model_fn(features, labels, mode, head, optimizer)
        super().__init__(model_fn, model_dir, config)


class BaselineRegressor(Estimator):
    """Predicts the (learned) mean label, ignoring the feature values (`baseline/bias`).

    Args:
      model_dir: The model directory.
      label_dimension: The number of regression targets per example.
      weight_column: The name (or numeric column) of a feature holding example weights.
      optimizer: 'Ftrl' (default, learning rate 0.3), another name, an Optimizer or a
        function returning one.
      config: A `RunConfig`.
      loss_reduction: How the batch's losses are reduced (default: summed, as in TF1).
    """

    _reduction = SUM

    def __init__(self, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, loss_reduction=None):
        head = _regression_head(label_dimension, weight_column,
                                loss_reduction or self._reduction)

        def model_fn(features, labels, mode, config):
            return _baseline_model_fn(features, labels, mode, head, optimizer)
        super().__init__(model_fn, model_dir, config)


def _v2(cls):
    """The TF2 `tf.estimator` class: the same model, its loss averaged over the batch."""
    return type(cls.__name__, (cls,), {"_reduction": SUM_OVER_BATCH_SIZE, "__doc__": (
        cls.__doc__.split("\n")[0] + "\n\n    The TF2 form: `loss_reduction` defaults to "
        "SUM_OVER_BATCH_SIZE (the mean over the batch).\n\n    Args and Raises: as "
        f"`tf.compat.v1.estimator.{cls.__name__}`.\n"), "__module__": cls.__module__})


V1 = {"DNNClassifier": DNNClassifier, "DNNRegressor": DNNRegressor,
      "LinearClassifier": LinearClassifier, "LinearRegressor": LinearRegressor,
      "DNNLinearCombinedClassifier": DNNLinearCombinedClassifier,
      "DNNLinearCombinedRegressor": DNNLinearCombinedRegressor,
      "BaselineClassifier": BaselineClassifier, "BaselineRegressor": BaselineRegressor}
V2 = {name: _v2(cls) for name, cls in V1.items()}
