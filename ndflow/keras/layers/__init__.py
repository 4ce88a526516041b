"""keras.layers: every layer, plus Input, InputLayer, Layer, InputSpec."""
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .base import InputSpec, Layer
from .conv import Conv1D, Conv2D, Conv2DTranspose
from .core import Activation, Dense, Dropout, Lambda, TensorOpLayer
from .embedding import Embedding
from .input_layer import Input, InputLayer
from .masking import Masking
from . import ops_layers  # noqa: F401  (Keras 3's mask ops in Functional configs)
from .merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add,
                    average, concatenate, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D,
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D)
from .rnn import (GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell,
                  StackedRNNCells, TimeDistributed)
from .reshaping import Flatten, Permute, Reshape, UpSampling2D, ZeroPadding2D

Convolution1D, Convolution2D, Conv2DTranspose_ = Conv1D, Conv2D, Conv2DTranspose
Convolution2DTranspose = Conv2DTranspose
del Conv2DTranspose_
