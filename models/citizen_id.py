"""The citizen identity card number (CCCD, căn cước công dân): 12 digits.

Digits 1-3: the province of birth registration (Circular 07/2016/TT-BCA, Art. 7 and its
annex; the 63 codes of the provinces as they were when the numbers were issued, kept by the
numbers already handed out). Digit 4: the century of birth and sex (0/1: born 1900-1999,
male/female; 2/3: 2000-2099; 4 to 9 belong to later centuries, so no living citizen holds
them). Digits 5-6: the year of birth; 7-12: a random number.
"""

from typing import Annotated

from pydantic import AfterValidator

PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
CENTURY_SEX_DIGITS = frozenset("0123")


def N_(message: str) -> str:
    """Mark a text for `pybabel extract` (babel.cfg); pages translate it where they show it."""
    return message


def id_number_fault(text: str) -> tuple[str, dict[str, str]] | None:
    """Why `text` is not a CCCD number, as an English message with `%(name)s` placeholders
    and their values; None when it is one."""
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        return N_("a CCCD number has exactly 12 digits"), {}
    if text[:3] not in PROVINCE_CODES:
        return N_("a CCCD number begins with a province code; %(part)s is none"), {"part": text[:3]}
    if text[3] not in CENTURY_SEX_DIGITS:
        return N_("the 4th digit of a CCCD number (century and sex) cannot be %(part)s"), {
            "part": text[3]
        }
    return None


def id_number_problem(text: str) -> str | None:
    """Why `text` is not a CCCD number (in English), or None when it is one."""
    fault = id_number_fault(text)
    return None if fault is None else fault[0] % fault[1]


def _check(value: str) -> str:
    value = value.strip()
    problem = id_number_problem(value)
    if problem:
        raise ValueError(problem)
    return value


IdNumber = Annotated[str, AfterValidator(_check)]


def last_digits(value: str | None, shown: int = 4) -> str | None:
    """How a CCCD number appears in lists: its last digits only (`********1234`)."""
    if not value:
        return value
    return "*" * max(len(value) - shown, 0) + value[-shown:]
