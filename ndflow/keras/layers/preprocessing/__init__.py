"""Keras 3's preprocessing layers for text and categorical features: TextVectorization,
StringLookup, IntegerLookup, Hashing, HashedCrossing, CategoryEncoding, Discretization
(image layers: ../preprocessing_image.py)."""
from .categorical import CategoryEncoding, Discretization
from .hashing import HashedCrossing, Hashing
from .index_lookup import IntegerLookup, StringLookup
from .text_vectorization import TextVectorization
