"""SMS through an HTTP gateway, for citizens who gave a phone and no email address.

The gateway is any HTTP endpoint that takes a form POST of `to`, `text` and `id` (our
idempotency key, so a gateway that keeps them can drop a repeat) with HTTP basic
credentials; a 2xx answer is sent, a 4xx is permanent (a bad number: retrying cannot
help), anything else (5xx, a timeout, a refused connection) is retried by the outbox.
The text is the operator's template filled with `{agency}`, `{message}`, `{code}`, `{link}`.
"""

import unicodedata
from dataclasses import dataclass
from typing import Any

import httpx

from notifications.transport import Outcome

TIMEOUT_SECONDS = 15
# One short line per citizen notice (the email templates' SMS counterparts).
MESSAGES = {
    "citizen_receipt": "Da tiep nhan don cua ong/ba.",
    "citizen_accepted": "Don cua ong/ba da duoc thu ly.",
    "citizen_declined": "Don cua ong/ba khong duoc thu ly.",
    "citizen_apology": "Xin loi ong/ba: ho so tre hen, co ngay hen moi.",
    "citizen_answer": "Da co ket qua giai quyet don cua ong/ba.",
}


@dataclass(frozen=True)
class Gateway:
    url: str
    user: str = ""
    password: str = ""
    template: str = "{agency}: {message} Ma ho so {code}. Tra cuu: {link}"


def ascii_text(text: str) -> str:
    """Vietnamese without diacritics: one SMS holds 160 such characters, 70 with them."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def text_for(*, template: str, notice: str, context: dict[str, Any], gateway: Gateway) -> str:
    case = context.get("case", {})
    link = context.get("rating_url") or case.get("lookup_url", "")
    values = {
        "agency": ascii_text(case.get("agency_name", "")),
        "message": MESSAGES.get(notice, ""),
        "code": case.get("code", ""),
        "link": link,
    }
    return template.format(**values)


class SmsTransport:
    """One HTTP client per delivery batch."""

    name = "sms"

    def __init__(self, gateway: Gateway | None):
        self.gateway = gateway
        self._client: httpx.Client | None = None

    def __enter__(self) -> "SmsTransport":
        if self.gateway is not None:
            auth = (self.gateway.user, self.gateway.password) if self.gateway.user else None
            self._client = httpx.Client(timeout=TIMEOUT_SECONDS, auth=auth)
        return self

    def __exit__(self, *_exc) -> None:
        if self._client is not None:
            self._client.close()

    def send(self, *, notice: str, context: dict[str, Any], recipient: str, key: str) -> Outcome:
        if self.gateway is None or self._client is None:
            return Outcome(False, self.name, response="no SMS gateway is configured")
        try:
            text = text_for(
                template=self.gateway.template, notice=notice, context=context, gateway=self.gateway
            )
        except (KeyError, IndexError, ValueError) as exc:
            return Outcome(False, self.name, response=f"SMS template: {exc!r}", permanent=True)
        try:
            answer = self._client.post(
                self.gateway.url, data={"to": recipient, "text": text, "id": key}
            )
        except httpx.HTTPError as exc:
            return Outcome(False, self.name, response=f"{type(exc).__name__}: {exc}")
        summary = f"{answer.status_code} {answer.text[:200]}".strip()
        if answer.is_success:
            return Outcome(True, self.name, smtp_code=answer.status_code, response=summary)
        permanent = 400 <= answer.status_code < 500 and answer.status_code != 429
        return Outcome(
            False, self.name, smtp_code=answer.status_code, response=summary, permanent=permanent
        )
