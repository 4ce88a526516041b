"""Seed 001's scikit-learn listings on ndflow's estimators: Perceptron on iris,
MLPRegressor in a pipeline, and GridSearchCV / RandomizedSearchCV over a Keras model.

Filled in: the seed names the APIs; the listings are the book's (Hands-On ML, ch. 10).
`load_iris(as_frame=True)` needs pandas, so the petal columns are taken by index; the
California housing data needs a download, so the regression uses scikit-learn's bundled
diabetes data instead (same pipeline). Expected: the Perceptron predicts [True False].
"""
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ndflow import keras
from ndflow.sklearn import KerasClassifier, MLPRegressor, Perceptron

# --- Perceptron -------------------------------------------------------------------------------
iris = load_iris()
X = iris.data[:, (2, 3)]  # petal length, petal width
y = iris.target == 0      # Iris setosa

per_clf = Perceptron(random_state=42)
per_clf.fit(X, y)

X_new = [[2, 0.5], [3, 1]]
y_pred = per_clf.predict(X_new)  # predicts True and False for these 2 flowers
print("Perceptron:", y_pred)

# --- MLPRegressor -----------------------------------------------------------------------------
data = load_diabetes()
X_train_full, X_test, y_train_full, y_test = train_test_split(
    data.data, data.target / 100.0, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(
    X_train_full, y_train_full, random_state=42)

mlp_reg = MLPRegressor(hidden_layer_sizes=[50, 50, 50], random_state=42, max_iter=500,
                       early_stopping=True)
pipeline = make_pipeline(StandardScaler(), mlp_reg)
pipeline.fit(X_train, y_train)
y_pred = pipeline.predict(X_valid)
rmse = np.sqrt(mean_squared_error(y_valid, y_pred))
print(f"MLPRegressor validation RMSE: {rmse:.3f} (targets / 100)")


# --- GridSearchCV / RandomizedSearchCV over a Keras model -------------------------------------
def build_model(n_hidden=1, n_neurons=30, n_features_in_=None, n_classes_=None):
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=(n_features_in_,)))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(n_classes_, activation="softmax"))
    return model


X_digits, y_digits = load_digits(return_X_y=True)
X_digits = X_digits / 16.0
clf = KerasClassifier(build_model, optimizer="adam", epochs=5, batch_size=32, random_state=42)
grid = GridSearchCV(clf, {"model__n_hidden": [1, 2], "model__n_neurons": [16, 64]}, cv=3)
grid.fit(X_digits, y_digits)
print("GridSearchCV:", grid.best_params_, f"{grid.best_score_:.3f}")

rnd = RandomizedSearchCV(clf, {"model__n_hidden": [0, 1, 2, 3],
                               "model__n_neurons": list(range(8, 129)),
                               "optimizer__learning_rate": loguniform(3e-4, 3e-2)},
                         n_iter=5, cv=3, random_state=42)
rnd.fit(X_digits, y_digits)
print("RandomizedSearchCV:", rnd.best_params_, f"{rnd.best_score_:.3f}")
