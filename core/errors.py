"""Domain errors; api/ maps each to its HTTP status."""


class DomainError(Exception):
    """A request the domain refuses; nothing was written.

    `code`, where given, is a stable key the web pages translate (the "error" group of
    api/labels.py); the JSON API answers with `detail` alone.
    """

    status_code = 422

    def __init__(self, detail: str, *, code: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.code = code


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """A stale version or a concurrent change: reload and try again."""

    status_code = 409


class Invalid(DomainError):
    """Well-formed input the rules do not allow (a forbidden transition, a cycle…)."""

    status_code = 422
