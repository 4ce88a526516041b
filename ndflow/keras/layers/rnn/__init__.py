"""Recurrent layers: the RNN loop, the SimpleRNN/LSTM/GRU cells and layers, stacking and
the Bidirectional and TimeDistributed wrappers."""
from .bidirectional import Bidirectional
from .conv_lstm import ConvLSTM2D
from .dropout_rnn_cell import DropoutRNNCell
from .gru import GRU, GRUCell
from .lstm import LSTM, LSTMCell
from .rnn import RNN
from .simple_rnn import SimpleRNN, SimpleRNNCell
from .stacked_rnn_cells import StackedRNNCells
from .time_distributed import TimeDistributed
