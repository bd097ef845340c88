"""The language of a request and the gettext catalogues of the pages (Vietnamese first).

The language comes from `?lang=` (which also sets the cookie), then the `dondoc_lang` cookie,
then the `DONDOC_LANGUAGE` setting. Texts are English msgids translated by the Babel
catalogues in `api/locale/<lang>/LC_MESSAGES/messages.po`, read and compiled in memory by
Babel's own reader on first use (docs/translations.md says how to add a text).
"""

from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import Request

LANG_COOKIE = "dondoc_lang"
LANGUAGES = ("vi", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a text for `pybabel extract` where it is defined; it is translated where shown."""
    return message


def language(request: Request, default: str = "vi") -> str:
    """The language of this request: query, then cookie, then the default."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    return default if default in LANGUAGES else "vi"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(path: Path) -> Translations:
    """A .po file compiled in memory as `pybabel compile` would: fuzzy entries left out, so
    they show the English msgid until someone checks them."""
    with path.open("rb") as po:
        catalog = read_po(po, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@lru_cache
def translations(lang: str) -> Translations:
    """The catalogue of `lang` (read once per process)."""
    return load_translations(po_path(lang))


def translator(lang: str) -> Callable[..., str]:
    """`_(message, **values)`: `message` in `lang`, `%(name)s` placeholders filled."""
    gettext = translations(lang).gettext

    def _(message: str, **values) -> str:
        text = gettext(message)
        return text % values if values else text

    return _
