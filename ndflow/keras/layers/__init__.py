"""keras.layers: every layer, plus Input, InputLayer, Layer, InputSpec."""
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .base import InputSpec, Layer
from .activations import ELU, Identity, LeakyReLU, PReLU, ReLU, Softmax
from .conv import (Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D,
                   Conv3DTranspose)
from .conv_depthwise import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .core import Activation, Dense, Dropout, Lambda, TensorOpLayer
from .embedding import Embedding
from .input_layer import Input, InputLayer
from .masking import Masking
from . import ops_layers  # noqa: F401  (Keras 3's mask ops in Functional configs)
from .merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add,
                    average, concatenate, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .group_normalization import GroupNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D,
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D,
                      AveragePooling3D, AvgPool3D, GlobalAveragePooling3D, GlobalAvgPool3D,
                      GlobalMaxPool3D, GlobalMaxPooling3D, MaxPool3D, MaxPooling3D)
from .noise import (ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise,
                    SpatialDropout1D, SpatialDropout2D, SpatialDropout3D)
from .preprocessing_image import (CenterCrop, RandomBrightness, RandomContrast, RandomCrop,
                                  RandomFlip, RandomRotation, RandomTranslation, RandomZoom,
                                  Rescaling, Resizing)
from .preprocessing import (CategoryEncoding, Discretization, HashedCrossing, Hashing,
                            IntegerLookup, StringLookup, TextVectorization)
from .rnn import (GRU, LSTM, RNN, Bidirectional, ConvLSTM2D, GRUCell, LSTMCell, SimpleRNN,
                  SimpleRNNCell, StackedRNNCells, TimeDistributed)
from .reshaping import (Cropping1D, Cropping2D, Cropping3D, Flatten, Permute, RepeatVector,
                        Reshape, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D,
                        ZeroPadding2D, ZeroPadding3D)

Convolution1D, Convolution2D, Conv2DTranspose_ = Conv1D, Conv2D, Conv2DTranspose
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
Convolution3D, Convolution3DTranspose = Conv3D, Conv3DTranspose
Convolution1DTranspose = Conv1DTranspose
del Conv2DTranspose_
