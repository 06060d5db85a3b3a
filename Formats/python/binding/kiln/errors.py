"""Python exceptions for the C API's status codes (kiln.h, kiln_status)."""


class KilnError(Exception):
    """A failed Kiln call: `status` is the kiln_status name, the message says what to do."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class ArgumentError(KilnError, ValueError):
    """KILN_E_NULL, KILN_E_ARGUMENT, KILN_E_BUFFER_TOO_SMALL: an argument out of range."""


class ClosedError(KilnError):
    """KILN_E_HANDLE, KILN_E_IN_USE: the model was closed, or still has sessions."""


class BusyError(KilnError):
    """KILN_E_BUSY: the model is running a call on another thread."""


class FileError(KilnError, OSError):
    """KILN_E_IO: the file cannot be opened or read."""


class FormatError(KilnError):
    """KILN_E_FORMAT: not a valid .kiln file (magic, version, checksum, bounds, graph)."""


class ModelError(KilnError):
    """KILN_E_MODEL, KILN_E_RESOURCE: a model this runtime cannot run, or no memory or threads."""


class NotGeneratorError(KilnError):
    """KILN_E_NOT_GENERATOR: generate on a model without a latent space."""


class RunError(KilnError):
    """KILN_E_RUN: the data was refused while running (a class label out of range)."""


BY_STATUS = {1: ArgumentError, 2: ArgumentError, 3: ArgumentError, 4: ClosedError, 5: ClosedError, 6: BusyError,
             7: FileError, 8: FormatError, 9: ModelError, 10: NotGeneratorError, 11: RunError, 12: ModelError}
