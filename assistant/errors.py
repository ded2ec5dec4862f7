"""One base exception; the app and the CLI turn each into a Chinese message, never a traceback."""


class AssistantError(Exception):
    """Base of every error this package raises on purpose. ``str(exc)`` is a Chinese message."""


class IngestError(AssistantError):
    """A source file could not be read."""


class PrecedentIndexError(AssistantError):
    """The precedent index is missing, corrupt or unreachable."""


class BriefError(AssistantError):
    """The project brief (budget, year, name…) is not usable."""


class ExportError(AssistantError):
    """A table could not be written."""
