"""tf.image cases run by both TensorFlow (tools/make_tf_image_fixtures.py writes their results
to tests/fixtures/tf_image_ops.npz) and ndflow (tests/image/test_image_ops.py compares).

Each case is `fn(tf, d)` with `tf` the module (tensorflow or ndflow) and `d` the inputs from
`make_inputs`; it returns an array or a tuple of arrays. `EXACT` cases must match bit for
bit, the others to 1e-5 (float32).
"""
import numpy as np


def make_inputs():
    rng = np.random.default_rng(13)
    d = {}
    d["img"] = rng.uniform(0, 1, (2, 7, 9, 3)).astype(np.float32)
    d["img3"] = rng.uniform(0, 1, (6, 5, 3)).astype(np.float32)
    d["u8"] = rng.integers(0, 256, (2, 7, 9, 3)).astype(np.uint8)
    d["i32"] = rng.integers(0, 2 ** 31 - 1, (3, 4, 1)).astype(np.int32)
    d["wide"] = rng.uniform(-0.5, 1.5, (2, 4, 5, 3)).astype(np.float32)
    d["gray"] = rng.uniform(0, 1, (5, 4, 1)).astype(np.float32)
    d["big"] = rng.uniform(0, 1, (1, 48, 52, 3)).astype(np.float32)
    d["big_noisy"] = np.clip(d["big"] + rng.normal(0, 0.1, d["big"].shape), 0, 1).astype(
        np.float32)
    d["big_u8"] = (d["big"] * 255).astype(np.uint8)
    d["big_noisy_u8"] = (d["big_noisy"] * 255).astype(np.uint8)
    d["crop_boxes"] = np.array([[0.1, 0.2, 0.7, 0.9], [-0.3, 0.1, 0.6, 1.4],
                                [0.8, 0.7, 0.2, 0.1], [0.5, 0.5, 0.5, 0.5]], np.float32)
    d["crop_ind"] = np.array([0, 1, 1, 0], np.int32)
    d["crop_w"] = rng.uniform(-1, 1, (4, 4, 3, 3)).astype(np.float32)
    d["draw_boxes"] = np.array([[[0.1, 0.1, 0.6, 0.8], [0.5, -0.2, 1.2, 0.5],
                                 [0.7, 0.7, 0.2, 0.2]],
                                [[0.0, 0.0, 1.0, 1.0], [0.3, 0.3, 0.31, 0.32],
                                 [1.5, 1.5, 2.0, 2.0]]], np.float32)
    d["colors"] = np.array([[1, 0, 0, 1], [0, 1, 0, 1]], np.float32)
    corners = rng.uniform(0, 1, (30, 2, 2)).astype(np.float32)
    d["nms_boxes"] = np.concatenate([corners[:, 0], corners[:, 0] + 0.3 * corners[:, 1]], 1)
    d["nms_boxes"][5] = d["nms_boxes"][4][[2, 3, 0, 1]]   # corners given the other way round
    d["nms_boxes_canonical"] = d["nms_boxes"].copy()
    d["nms_boxes_canonical"][5] = d["nms_boxes"][4]
    d["nms_scores"] = rng.uniform(0, 1, 30).astype(np.float32)
    d["nms_scores"][7] = d["nms_scores"][8]               # a tie
    d["cnms_boxes"] = rng.uniform(0, 1, (2, 12, 1, 4)).astype(np.float32)
    d["cnms_boxes"][..., 2:] += d["cnms_boxes"][..., :2] * 0.5
    d["cnms_scores"] = rng.uniform(0, 1, (2, 12, 3)).astype(np.float32)
    d["vol"] = rng.uniform(-1, 1, (2, 5, 6, 7, 2)).astype(np.float32)
    d["vol_w"] = rng.uniform(-1, 1, (3, 2, 3, 2, 4)).astype(np.float32)
    d["vol_dy"] = rng.uniform(-1, 1, (2, 3, 3, 4, 4)).astype(np.float32)
    return d


def _conv3d_grads(tf, d):
    x, w = tf.Variable(d["vol"]), tf.Variable(d["vol_w"])
    with tf.GradientTape() as tape:
        y = tf.nn.conv3d(x, w, [1, 2, 2, 2, 1], "SAME")
        loss = tf.reduce_sum(y * d["vol_dy"])
    return tuple(g.numpy() for g in tape.gradient(loss, [x, w]))


def _pool3d_grad(tf, d, pool):
    x = tf.Variable(d["vol"])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(pool(x, [2, 3, 2], [1, 2, 2], "SAME") ** 2)
    return tape.gradient(loss, x).numpy()


def _crop_grads(tf, d, method):
    image, boxes = tf.Variable(d["img"]), tf.Variable(d["crop_boxes"])
    with tf.GradientTape() as tape:
        out = tf.image.crop_and_resize(image, boxes, d["crop_ind"], (4, 3), method=method)
        loss = tf.reduce_sum(out * d["crop_w"])
    gi, gb = tape.gradient(loss, [image, boxes])
    return (gi.numpy(),) if method == "nearest" else (gi.numpy(), gb.numpy())


def _np(t):
    return tuple(x.numpy() for x in t) if isinstance(t, (tuple, list)) else t.numpy()


CASES = {
    "flip_lr": lambda tf, d: tf.image.flip_left_right(d["img"]),
    "flip_ud3": lambda tf, d: tf.image.flip_up_down(d["img3"]),
    "transpose": lambda tf, d: tf.image.transpose(d["img"]),
    "rot90_1": lambda tf, d: tf.image.rot90(d["img"]),
    "rot90_2": lambda tf, d: tf.image.rot90(d["img3"], 2),
    "rot90_3": lambda tf, d: tf.image.rot90(d["img"], k=3),
    "crop_box": lambda tf, d: tf.image.crop_to_bounding_box(d["img"], 2, 1, 4, 6),
    "pad_box": lambda tf, d: tf.image.pad_to_bounding_box(d["img3"], 1, 3, 9, 10),
    "central_half": lambda tf, d: tf.image.central_crop(d["img"], 0.5),
    "central_third": lambda tf, d: tf.image.central_crop(d["img3"], 0.33),
    "crop_or_pad_big": lambda tf, d: tf.image.resize_with_crop_or_pad(d["img"], 10, 12),
    "crop_or_pad_small": lambda tf, d: tf.image.resize_with_crop_or_pad(d["img"], 4, 3),
    "crop_or_pad_mixed": lambda tf, d: tf.image.resize_with_crop_or_pad(d["img3"], 3, 8),
    "resize_pad": lambda tf, d: tf.image.resize_with_pad(d["img"], 10, 10),
    "resize_pad_nearest": lambda tf, d: tf.image.resize_with_pad(d["img3"], 4, 9,
                                                                 method="nearest"),
    "f2u8": lambda tf, d: tf.image.convert_image_dtype(d["img"], tf.uint8),
    "f2u8_sat": lambda tf, d: tf.image.convert_image_dtype(d["wide"], tf.uint8, saturate=True),
    "u82f": lambda tf, d: tf.image.convert_image_dtype(d["u8"], tf.float32),
    "u82i16": lambda tf, d: tf.image.convert_image_dtype(d["u8"], tf.int16),
    "i322u8": lambda tf, d: tf.image.convert_image_dtype(d["i32"], tf.uint8),
    "f2i32": lambda tf, d: tf.image.convert_image_dtype(d["img"], tf.int32),
    "standardize": lambda tf, d: tf.image.per_image_standardization(d["img"]),
    "standardize_u8": lambda tf, d: tf.image.per_image_standardization(d["u8"]),
    "gray": lambda tf, d: tf.image.rgb_to_grayscale(d["img"]),
    "gray_u8": lambda tf, d: tf.image.rgb_to_grayscale(d["u8"]),
    "gray_to_rgb": lambda tf, d: tf.image.grayscale_to_rgb(d["gray"]),
    "hsv": lambda tf, d: tf.image.rgb_to_hsv(d["img"]),
    "hsv_back": lambda tf, d: tf.image.hsv_to_rgb(d["img"]),
    "yuv": lambda tf, d: tf.image.rgb_to_yuv(d["img"]),
    "yuv_back": lambda tf, d: tf.image.yuv_to_rgb(d["img3"]),
    "brightness": lambda tf, d: tf.image.adjust_brightness(d["img"], 0.2),
    "brightness_u8": lambda tf, d: tf.image.adjust_brightness(d["u8"], -0.1),
    "contrast": lambda tf, d: tf.image.adjust_contrast(d["img"], 1.7),
    "contrast_u8": lambda tf, d: tf.image.adjust_contrast(d["u8"], 0.6),
    "saturation": lambda tf, d: tf.image.adjust_saturation(d["img"], 1.6),
    "saturation_u8": lambda tf, d: tf.image.adjust_saturation(d["u8"], 0.4),
    "hue": lambda tf, d: tf.image.adjust_hue(d["img"], 0.3),
    "hue_neg": lambda tf, d: tf.image.adjust_hue(d["img3"], -0.45),
    "gamma": lambda tf, d: tf.image.adjust_gamma(d["img"], 2.2, 0.9),
    "gamma_u8": lambda tf, d: tf.image.adjust_gamma(d["u8"], 0.5),
    "patches_valid": lambda tf, d: tf.image.extract_patches(d["img"], [1, 3, 2, 1],
                                                            [1, 2, 3, 1], [1, 1, 1, 1],
                                                            "VALID"),
    "patches_same_rate": lambda tf, d: tf.image.extract_patches(d["img"], [1, 2, 2, 1],
                                                                [1, 1, 2, 1], [1, 2, 2, 1],
                                                                "SAME"),
    "gradients": lambda tf, d: _np(tf.image.image_gradients(d["img"])),
    "sobel": lambda tf, d: tf.image.sobel_edges(d["img"]),
    "tv": lambda tf, d: tf.image.total_variation(d["img"]),
    "tv3": lambda tf, d: tf.image.total_variation(d["img3"]),
    "psnr": lambda tf, d: tf.image.psnr(d["big"], d["big_noisy"], 1.0),
    "psnr_u8": lambda tf, d: tf.image.psnr(d["big_u8"], d["big_noisy_u8"], 255),
    "ssim": lambda tf, d: tf.image.ssim(d["big"], d["big_noisy"], 1.0),
    "ssim_u8": lambda tf, d: tf.image.ssim(d["big_u8"], d["big_noisy_u8"], 255),
    "ssim_small_filter": lambda tf, d: tf.image.ssim(d["big"], d["big_noisy"], 1.0,
                                                     filter_size=7, filter_sigma=1.0,
                                                     k1=0.02, k2=0.05),
    "ms_ssim": lambda tf, d: tf.image.ssim_multiscale(d["big"], d["big_noisy"], 1.0,
                                                      power_factors=(0.3, 0.3, 0.4),
                                                      filter_size=7),
    "crop_resize": lambda tf, d: tf.image.crop_and_resize(d["img"], d["crop_boxes"],
                                                          d["crop_ind"], (4, 3)),
    "crop_resize_nearest": lambda tf, d: tf.image.crop_and_resize(
        d["img"], d["crop_boxes"], d["crop_ind"], (5, 1), method="nearest",
        extrapolation_value=-1.0),
    "crop_resize_u8": lambda tf, d: tf.image.crop_and_resize(d["u8"], d["crop_boxes"],
                                                             d["crop_ind"], (1, 2)),
    "crop_resize_grads": lambda tf, d: _crop_grads(tf, d, "bilinear"),
    "crop_resize_grads_nearest": lambda tf, d: _crop_grads(tf, d, "nearest"),
    "draw": lambda tf, d: tf.image.draw_bounding_boxes(d["img"], d["draw_boxes"], d["colors"]),
    "nms": lambda tf, d: tf.image.non_max_suppression(d["nms_boxes"], d["nms_scores"], 10,
                                                      0.3),
    "nms_threshold": lambda tf, d: tf.image.non_max_suppression(d["nms_boxes"],
                                                                d["nms_scores"], 30, 0.5,
                                                                score_threshold=0.4),
    "nms_scores": lambda tf, d: _np(tf.image.non_max_suppression_with_scores(
        d["nms_boxes"], d["nms_scores"], 8, 0.4)),
    "soft_nms": lambda tf, d: _np(tf.image.non_max_suppression_with_scores(
        d["nms_boxes"], d["nms_scores"], 12, 0.6, score_threshold=0.1, soft_nms_sigma=0.5)),
    # TF's padded NMS is a tiled algorithm of its own: given boxes with y1 <= y2, x1 <= x2
    "nms_padded": lambda tf, d: _np(tf.image.non_max_suppression_padded(
        d["nms_boxes_canonical"], d["nms_scores"], 40, 0.3, pad_to_max_output_size=True)),
    "combined_nms": lambda tf, d: _np(tf.image.combined_non_max_suppression(
        d["cnms_boxes"], d["cnms_scores"], 3, 7, 0.4, 0.2)),
    "combined_nms_pad": lambda tf, d: _np(tf.image.combined_non_max_suppression(
        d["cnms_boxes"], d["cnms_scores"], 2, 20, 0.5, pad_per_class=True,
        clip_boxes=False)),
    "depth_max_pool": lambda tf, d: tf.nn.max_pool(tf.tile(d["img"], (1, 1, 1, 2)),
                                                   ksize=[1, 1, 1, 3], strides=[1, 1, 1, 3],
                                                   padding="VALID"),
    # stateless random ops: the same Philox streams as TensorFlow
    "stateless_flip_lr": lambda tf, d: tf.image.stateless_random_flip_left_right(
        tf.tile(d["img"], (4, 1, 1, 1)), seed=(3, 4)),
    "stateless_flip_ud3": lambda tf, d: tf.image.stateless_random_flip_up_down(d["img3"],
                                                                               seed=(1, 9)),
    "stateless_brightness": lambda tf, d: tf.image.stateless_random_brightness(
        d["img"], 0.3, seed=(5, 6)),
    "stateless_contrast": lambda tf, d: tf.image.stateless_random_contrast(
        d["u8"], 0.2, 1.8, seed=(7, 8)),
    "stateless_saturation": lambda tf, d: tf.image.stateless_random_saturation(
        d["img"], 0.5, 1.5, seed=(2, 2)),
    "stateless_hue": lambda tf, d: tf.image.stateless_random_hue(d["img"], 0.4, seed=(0, 1)),
    # 3-D convolution and pooling (tf.nn, NDHWC)
    "conv3d_same": lambda tf, d: tf.nn.conv3d(d["vol"], d["vol_w"], [1, 2, 2, 2, 1], "SAME"),
    "conv3d_valid_dilated": lambda tf, d: tf.nn.conv3d(d["vol"], d["vol_w"], [1, 1, 1, 1, 1],
                                                       "VALID", dilations=[1, 2, 1, 2, 1]),
    "conv3d_grads": _conv3d_grads,
    "conv3d_transpose": lambda tf, d: tf.nn.conv3d_transpose(  # the conv3d filters reused
        d["vol_dy"], d["vol_w"], [2, 5, 6, 7, 2], [1, 2, 2, 2, 1], "SAME"),
    "max_pool3d": lambda tf, d: tf.nn.max_pool3d(d["vol"], [2, 3, 2], [1, 2, 2], "SAME"),
    "avg_pool3d": lambda tf, d: tf.nn.avg_pool3d(d["vol"], [3, 2, 2], [2, 1, 2], "SAME"),
    "avg_pool3d_valid": lambda tf, d: tf.nn.avg_pool3d(d["vol"], 2, 2, "VALID"),
    "max_pool3d_grad": lambda tf, d: _pool3d_grad(tf, d, tf.nn.max_pool3d),
    "avg_pool3d_grad": lambda tf, d: _pool3d_grad(tf, d, tf.nn.avg_pool3d),
}

EXACT = {"flip_lr", "flip_ud3", "transpose", "rot90_1", "rot90_2", "rot90_3", "crop_box",
         "pad_box", "central_half", "central_third", "crop_or_pad_big", "crop_or_pad_small",
         "crop_or_pad_mixed", "f2u8", "f2u8_sat", "u82i16", "i322u8", "gray_to_rgb", "draw",
         "nms", "nms_threshold", "patches_valid", "patches_same_rate", "depth_max_pool",
         "resize_pad_nearest", "crop_resize_nearest"}


def run(tf, name, d):
    d = {k: tf.constant(v) for k, v in d.items()}  # as tensors: some TF functions need them
    out = CASES[name](tf, d)
    out = out if isinstance(out, tuple) else (out,)
    return tuple(np.asarray(o.numpy() if hasattr(o, "numpy") else o) for o in out)
