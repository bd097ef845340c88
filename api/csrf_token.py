"""The session's form token compared in one place (api/csrf.py, and uploads that stream their
body, api/uploads.py); imports nothing of ours so both can use it."""

import hmac

FIELD = "csrf_token"


class CsrfRefused(Exception):
    """A state-changing page request from another origin or without the session's token."""


def check(sent: object, expected: str) -> None:
    """CsrfRefused unless `sent` is the session's token."""
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()
