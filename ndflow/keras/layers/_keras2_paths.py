"""Keras 2's module paths for layers: `from keras.layers.core import Dense`,
`from keras.layers.convolutional import Conv2D`, `keras.layers.recurrent.LSTM`...

Each path is a module whose names are looked up in `ndflow.keras.layers` on first use, so a
layer is defined once and every path Keras 2 programs import it from finds the same class.
Real modules with one of these names (core.py, pooling.py, normalization.py, merge.py)
install the same lookup for the Keras 2 names they do not define themselves.
"""
_POOLING = ("MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
            "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
            "GlobalAveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D",
            "AvgPool2D", "AvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
            "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D")

# What each Keras 2 module held (Keras 2's convolutional module also re-exported the
# pooling layers, and programs import them from there).
KERAS2_MODULES = {
    "core": ("Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute",
             "RepeatVector", "Lambda", "Masking", "ActivityRegularization",
             "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Layer", "InputSpec"),
    "convolutional": ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
                      "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D",
                      "DepthwiseConv1D", "DepthwiseConv2D", "Convolution1D", "Convolution2D",
                      "Convolution3D", "Convolution2DTranspose", "Convolution3DTranspose",
                      "SeparableConvolution1D", "SeparableConvolution2D", "UpSampling1D",
                      "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
                      "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D") + _POOLING,
    "pooling": _POOLING,
    "recurrent": ("RNN", "SimpleRNN", "GRU", "LSTM", "SimpleRNNCell", "GRUCell", "LSTMCell",
                  "StackedRNNCells"),
    "embeddings": ("Embedding",),
    "normalization": ("BatchNormalization", "LayerNormalization"),
    "merge": ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
              "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
              "concatenate", "dot"),
    "advanced_activations": ("LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax",
                             "ReLU"),
    "noise": ("GaussianNoise", "GaussianDropout", "AlphaDropout"),
    "wrappers": ("Wrapper", "TimeDistributed", "Bidirectional"),
    # TF 2.3-2.5: `from tensorflow.keras.layers.experimental import preprocessing`
    "experimental.preprocessing": (
        "Rescaling", "Normalization", "Resizing", "CenterCrop", "RandomFlip", "RandomRotation",
        "RandomZoom", "RandomTranslation", "RandomContrast", "RandomCrop", "RandomHeight",
        "RandomWidth", "TextVectorization", "StringLookup", "IntegerLookup",
        "CategoryEncoding", "Hashing", "Discretization", "PreprocessingLayer"),
    "experimental": ("EinsumDense", "RandomFourierFeatures", "SyncBatchNormalization"),
}


def install(module_globals, path):
    """Gives the module `module_globals` a `__getattr__` finding the names Keras 2's
    `keras.layers.<path>` held in ndflow.keras.layers, and an `__all__` of those that
    ndflow has."""
    names = KERAS2_MODULES[path]
    own = module_globals.get("__name__")

    def __getattr__(name):
        import importlib
        layers = importlib.import_module("ndflow.keras.layers")
        if name == "__all__":
            return [n for n in names if n in module_globals or _has(layers, n)]
        if name in names and _has(layers, name):
            return getattr(layers, name)
        if name in names:
            raise AttributeError(f"module {own!r}: Keras 2's keras.layers.{path}.{name} is not "
                                 "implemented in ndflow yet.")
        raise AttributeError(f"module {own!r} has no attribute {name!r}")

    module_globals["__getattr__"] = __getattr__


def _has(module, name):
    try:
        getattr(module, name)
        return True
    except AttributeError:
        return False
