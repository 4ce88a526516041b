"""Custom convolution layers built on `convolution_op`, defined once: run on ndflow by
tests/keras_api/test_convolution_op.py and on Keras 3 by
tools/make_keras_convolution_op_fixtures.py (`tf`: the module whose ops the layers use)."""

# name -> (layer class name, kwargs, input shape)
CASES = {
    "conv2d": ("Conv2D", dict(filters=4, kernel_size=3), (2, 7, 6, 3)),
    "conv2d_same_strided": ("Conv2D", dict(filters=4, kernel_size=3, strides=2,
                                           padding="same", activation="relu"), (2, 7, 6, 3)),
    "conv2d_groups": ("Conv2D", dict(filters=6, kernel_size=(3, 2), groups=2,
                                     dilation_rate=(1, 2)), (2, 7, 8, 4)),
    "conv1d": ("Conv1D", dict(filters=5, kernel_size=3, padding="same"), (2, 9, 3)),
    "conv1d_groups": ("Conv1D", dict(filters=4, kernel_size=2, groups=2, strides=2),
                      (2, 9, 4)),
    "conv3d": ("Conv3D", dict(filters=3, kernel_size=2, padding="same"), (1, 4, 5, 4, 2)),
}


def standardize(tf, kernel):
    """Weight standardization (keras-io's "subclassing_conv_layers" recipe)."""
    axes = list(range(len(kernel.shape) - 1))
    mean, var = tf.nn.moments(kernel, axes=axes, keepdims=True)
    return (kernel - mean) / tf.sqrt(var + 1e-10)


def subclasses(tf, base):
    """(a subclass overriding convolution_op, one whose call passes its own kernel)."""
    class WithOverride(base):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, standardize(tf, kernel))

    class WithCall(base):
        def call(self, inputs):
            result = self.convolution_op(inputs, standardize(tf, self.kernel))
            if self.use_bias:
                result = result + self.bias
            return result
    return WithOverride, WithCall
