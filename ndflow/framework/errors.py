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
    pass


class FailedPreconditionError(OpError, RuntimeError):
    pass


class NotFoundError(OpError, FileNotFoundError):
    pass


class AlreadyExistsError(OpError, FileExistsError):
    pass


class OutOfRangeError(OpError, IndexError):
    pass


class UnimplementedError(OpError, NotImplementedError):
    pass


class ResourceExhaustedError(OpError, MemoryError):
    pass


class InternalError(OpError, RuntimeError):
    pass


class UnknownError(OpError, RuntimeError):
    pass


class AbortedError(OpError, RuntimeError):
    pass


class CancelledError(OpError, RuntimeError):
    pass


class DataLossError(OpError, ValueError):
    pass


class PermissionDeniedError(OpError, PermissionError):
    pass


class UnavailableError(OpError, ConnectionError):
    pass


class DeadlineExceededError(OpError, TimeoutError):
    pass
