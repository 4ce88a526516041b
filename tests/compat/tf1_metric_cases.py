"""The tf.metrics streams checked against TensorFlow 1: one definition, run by
tests/compat/test_tf1_numerics.py on ndflow and by tools/make_tf1_reference.py on TensorFlow
(`v1` is `ndflow.compat.v1` or `tensorflow.compat.v1`)."""


def placeholders(v1):
    return {"labels": v1.placeholder(v1.int64, [None]),
            "scores": v1.placeholder(v1.float32, [None]),
            "classes": v1.placeholder(v1.int64, [None]),
            "pred_classes": v1.placeholder(v1.int64, [None]),
            "values": v1.placeholder(v1.float32, [None]),
            "weights": v1.placeholder(v1.float32, [None])}


def metrics(v1, ph):
    """name -> (value, update_op) of every metric the reference covers."""
    M = v1.metrics
    preds_bool = v1.greater(ph["scores"], 0.5)
    return {
        "accuracy": M.accuracy(ph["classes"], ph["pred_classes"]),
        "accuracy_w": M.accuracy(ph["classes"], ph["pred_classes"], weights=ph["weights"]),
        "mean": M.mean(ph["values"]),
        "mean_w": M.mean(ph["values"], weights=ph["weights"]),
        "precision": M.precision(ph["labels"], preds_bool),
        "recall": M.recall(ph["labels"], preds_bool, weights=ph["weights"]),
        "auc": M.auc(ph["labels"], ph["scores"]),
        "auc_pr": M.auc(ph["labels"], ph["scores"], curve="PR", num_thresholds=50),
        "auc_w": M.auc(ph["labels"], ph["scores"], weights=ph["weights"]),
        "mse": M.mean_squared_error(ph["scores"], ph["values"]),
        "mae": M.mean_absolute_error(ph["scores"], ph["values"], weights=ph["weights"]),
        "rmse": M.root_mean_squared_error(ph["scores"], ph["values"]),
        "mean_iou": M.mean_iou(ph["classes"], ph["pred_classes"], 3),
        "tp": M.true_positives(ph["labels"], preds_bool),
        "fp": M.false_positives(ph["labels"], preds_bool),
        "tn": M.true_negatives(ph["labels"], preds_bool),
        "fn": M.false_negatives(ph["labels"], preds_bool, weights=ph["weights"]),
        "precision_at_thresholds": M.precision_at_thresholds(ph["labels"], ph["scores"],
                                                             [0.2, 0.5, 0.8]),
        "recall_at_thresholds": M.recall_at_thresholds(ph["labels"], ph["scores"],
                                                       [0.2, 0.5, 0.8]),
    }
