"""Every primitive op, defined once: kernel, shape/dtype inference and gradient."""
from . import array_ops, indexing_ops, join_ops, creation_ops, sort_ops  # noqa: F401
from . import math_ops, scan_ops, clip_ops, linalg_ops  # noqa: F401
from . import trig_ops  # noqa: F401  (asin, atan2, sinh, ...)
from . import complex_ops, signal_ops  # noqa: F401  (tf.complex, real, imag; tf.signal)
from . import wav_ops  # noqa: F401  (tf.audio)
from . import matrix_band_ops  # noqa: F401  (tf.linalg.band_part)
from . import nn_ops, activation_ops, conv_ops, pooling_ops  # noqa: F401
from . import depthwise_conv_ops, image_resize_ops, image_transform_ops  # noqa: F401
from . import image_ops, image_color_ops, image_quality_ops, image_nms_ops  # noqa: F401
from . import conv3d_ops  # noqa: F401
from . import state_ops, random_ops, logging_ops, optimizer_ops  # noqa: F401
from . import multinomial_ops  # noqa: F401  (tf.random.categorical)
from . import normalization_ops, scatter_ops  # noqa: F401  (lrn, batch norms; scatter)
from . import rnn_ops  # noqa: F401  (fused LSTM/GRU sequences)
from . import candidate_sampling_ops  # noqa: F401  (sampled_softmax_loss, nce_loss)
from . import ctc_ops  # noqa: F401  (tf.nn.ctc_loss, ctc_greedy_decoder)
from . import ctc_beam_search  # noqa: F401  (tf.nn.ctc_beam_search_decoder)
from . import linalg_matrix_ops  # noqa: F401  (tf.linalg.inv, det, solve, cholesky, svd...)
from . import manip_ops  # noqa: F401  (tf.roll, tf.nn.space_to_depth / depth_to_space)
from . import histogram_ops  # noqa: F401  (histogram_fixed_width, searchsorted, confusion_matrix)
from . import stateful_random_ops  # noqa: F401  (tf.random.Generator)
from . import embedding_ops  # noqa: F401  (tf.nn.embedding_lookup)
from . import indexed_slices  # noqa: F401  (tf.IndexedSlices)
from . import string_ops  # noqa: F401  (tf.strings kernels)
from . import segment_ops, sparse_ops, set_ops  # noqa: F401  (tf.sparse, tf.sets, segments)
from . import lookup_ops  # noqa: F401  (tf.lookup tables)
from . import control_flow_ops  # noqa: F401,E402  (If, Case, While ops)
from . import functional_ops, tensor_array_ops  # noqa: F401,E402
from . import map_fn_ops, custom_gradient, script_ops, check_ops  # noqa: F401,E402
from . import operators  # noqa: F401  (attaches Python operators to tensors and variables)
from . import array_gradients  # noqa: F401,E402  (eager gradients on arrays, issue 15)
from ..framework import ordering  # noqa: F401,E402  (NoOp; tf.group, tf.control_dependencies)
