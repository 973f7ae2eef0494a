"""Typed errors with messages a person can act on."""


class AnalysisError(Exception):
    """Base of every error the engine raises on purpose."""


class MediaError(AnalysisError):
    """The file is empty, truncated, corrupt or has no usable stream."""


class ModelMissingError(AnalysisError):
    """A model is not in the model folder; the message says how to install it (never a download)."""


class LlmError(AnalysisError):
    """The configured LLM endpoint failed or answered something unusable."""
