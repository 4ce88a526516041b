"""Masking: marks timesteps whose features all equal `mask_value` as padding."""
import ndflow

from .base import Layer


class Masking(Layer):
    """Masks a sequence by using a mask value to skip timesteps.

    For each timestep in the input tensor (dimension #1 in the tensor), if all values in
    the input tensor at that timestep are equal to `mask_value`, then the timestep will be
    masked (skipped) in all downstream layers (as long as they support masking).

    Args:
        mask_value: The value whose timesteps are masked. Defaults to `0.0`.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return ndflow.reduce_any(ndflow.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ndflow.reduce_any(ndflow.not_equal(inputs, self.mask_value), axis=-1,
                                 keepdims=True)
        return inputs * ndflow.cast(keep, inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
