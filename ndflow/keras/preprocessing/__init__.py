"""keras.preprocessing: Keras 3's home of the data helpers older programs import from here
(`keras.preprocessing.image.load_img`, `keras.preprocessing.sequence.pad_sequences`,
`keras.preprocessing.image_dataset_from_directory`...). Each name is the keras.utils one."""
from . import image, sequence  # noqa: F401
from ..utils.directory_datasets import (image_dataset_from_directory,  # noqa: F401
                                        text_dataset_from_directory)
from ..utils.timeseries import timeseries_dataset_from_array  # noqa: F401
