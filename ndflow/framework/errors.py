"""TensorFlow's error classes, each also a subclass of the matching Python built-in."""


class OpError(Exception):
    """Base of ndflow's runtime errors; `op` names the operation when known."""

    def __init__(self, message, op=None, node_def=None):
        super().__init__(message)
        self.message = message
        self.op = op
        self.node_def = node_def

    def __str__(self):
        return self.message


class InvalidArgumentError(OpError, ValueError):
    """Raised when an op receives an invalid argument: a bad shape, dtype or value (e.g. mismatched
    matmul dimensions, an out-of-range index).

    Also a `ValueError`, so `except ValueError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class FailedPreconditionError(OpError, RuntimeError):
    """Raised when the system is not in a state to run the operation, e.g. a variable is read before
    its initializer ran.

    Also a `RuntimeError`, so `except RuntimeError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class NotFoundError(OpError, FileNotFoundError):
    """Raised when a requested file or entity does not exist.

    Also a `FileNotFoundError`, so `except FileNotFoundError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class AlreadyExistsError(OpError, FileExistsError):
    """Raised when an entity to be created already exists.

    Also a `FileExistsError`, so `except FileExistsError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class OutOfRangeError(OpError, IndexError):
    """Raised when an iteration runs past the end of its input, e.g. a dataset iterator or a queue
    is exhausted.

    Also a `IndexError`, so `except IndexError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class UnimplementedError(OpError, NotImplementedError):
    """Raised when an operation is not implemented or not supported.

    Also a `NotImplementedError`, so `except NotImplementedError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class ResourceExhaustedError(OpError, MemoryError):
    """Raised when a resource (memory, a quota) is exhausted.

    Also a `MemoryError`, so `except MemoryError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class InternalError(OpError, RuntimeError):
    """Raised when an internal invariant of the runtime is broken.

    Also a `RuntimeError`, so `except RuntimeError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class UnknownError(OpError, RuntimeError):
    """Raised when an error of no other category occurs.

    Also a `RuntimeError`, so `except RuntimeError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class AbortedError(OpError, RuntimeError):
    """Raised when an operation is aborted, typically by a concurrent action.

    Also a `RuntimeError`, so `except RuntimeError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class CancelledError(OpError, RuntimeError):
    """Raised when an operation or step is cancelled, e.g. a queue closes while a dequeue waits.

    Also a `RuntimeError`, so `except RuntimeError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class DataLossError(OpError, ValueError):
    """Raised when data is unrecoverably lost or corrupted, e.g. a bad checksum in a record file.

    Also a `ValueError`, so `except ValueError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class PermissionDeniedError(OpError, PermissionError):
    """Raised when the caller lacks permission for the operation.

    Also a `PermissionError`, so `except PermissionError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class UnavailableError(OpError, ConnectionError):
    """Raised when a service is currently unavailable.

    Also a `ConnectionError`, so `except ConnectionError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass


class DeadlineExceededError(OpError, TimeoutError):
    """Raised when an operation runs past its deadline.

    Also a `TimeoutError`, so `except TimeoutError` catches it.

    Args:
      message: The error message.
      op: The operation that failed, when known.
      node_def: Accepted for TensorFlow compatibility.
    """
    pass
