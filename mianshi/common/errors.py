"""Domain errors raised by services; views and the API turn them into 4xx answers.

Services raise django.core.exceptions.ValidationError for bad input (forms show it beside
the field; the API answers 422) and these for the other refusals.
"""


class DomainError(Exception):
    """A refusal with a translated message the user can act on."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Conflict(DomainError):
    """The request clashes with existing data (a duplicate, a stale version)."""

    status = 409
    code = "conflict"


class TransitionRefused(DomainError):
    """A state machine refused a move."""

    status = 409
    code = "transition_refused"
