"""Why a register's row is refused, in words each reader gets in their language.

A reason is an English message with `%(name)s` placeholders (marked with `N_` for `pybabel
extract`, docs/translations.md) and its values. The admin's import page shows it through the
page's gettext, Vietnamese first; the command line and `str()` give the English.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a text for `pybabel extract` where it is written; translated where it is shown."""
    return message


def english(message: str) -> str:
    """The gettext of the command line: the message as written."""
    return message


@dataclass(frozen=True)
class Reason:
    message: str  # English, with %(name)s placeholders
    values: dict[str, object] = field(default_factory=dict)

    def words(self, gettext: Callable[[str], str] = english) -> str:
        """In the language of `gettext`; a value that is itself a reason is translated too."""
        values = {
            name: value.words(gettext) if isinstance(value, Reason) else value
            for name, value in self.values.items()
        }
        return gettext(self.message) % values

    def __str__(self) -> str:
        return self.words()
