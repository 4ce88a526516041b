"""A public-domain text shipped with ndflow, for character-level language models.

ndflow's own dataset (Keras has no equivalent): 200 kB of Shakespeare's plays, the opening
of the "tiny Shakespeare" compilation; see ndflow/keras/datasets/text/README.md.
"""
import gzip
import importlib.resources


def load_text():
    """The shipped Shakespeare excerpt as one `str` (199,994 characters).

    Returns:
      The text, speeches separated by blank lines, each speech opening with the speaker's
      name and a colon.

    Example:
    >>> text = load_text()
    >>> text[:14]
    'First Citizen:'
    """
    data = importlib.resources.files("ndflow").joinpath("keras/datasets/text/shakespeare.txt.gz")
    return gzip.decompress(data.read_bytes()).decode("utf-8")
