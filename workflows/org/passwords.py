"""The password policy: long enough, not a common password, not the username."""

from functools import cache
from pathlib import Path

from core.errors import Invalid

MIN_LENGTH = 10
COMMON_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


@cache
def _common() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check(*, password: str, username: str) -> None:
    """Invalid (code `password.weak`) for a password the policy refuses."""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            f"the password must have at least {MIN_LENGTH} characters", code="password.weak"
        )
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) < 4:
        raise Invalid("this password is too common", code="password.weak")
    if username.lower() in lowered:
        raise Invalid("the password must not contain the username", code="password.weak")
