"""Checking a register's rows: every fault of a row is named, with the row's line number."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError

from core.errors import Invalid
from models import OPEN_STATUSES, Agency, CaseKind, CaseStatus, Channel, Citizen
from models.citizen_id import id_number_fault
from workflows.deadlines.policies import PolicySet
from workflows.imports.reasons import N_, Reason

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FINISHED_WITH_DATE = (CaseStatus.resolved, CaseStatus.closed)
_PHONE = TypeAdapter(Citizen.model_fields["phone"].annotation)
_EMAIL = TypeAdapter(Citizen.model_fields["email"].annotation)
_LENGTHS = {"source_ref": 128, "title": 500, "citizen_name": 255, "citizen_address": 500,
            "description": 20000, "procedure_code": 64}  # fmt: skip
_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")


@dataclass
class ImportRow:
    """A row that passed every check, in the domain's types."""

    line: int
    source_ref: str
    kind: CaseKind
    status: CaseStatus
    channel: Channel
    title: str
    description: str
    citizen_name: str
    citizen_phone: str | None
    citizen_email: str | None
    citizen_address: str | None
    citizen_id_number: str | None
    agency: Agency
    received_at: datetime
    resolved_at: datetime | None
    procedure_code: str | None


@dataclass
class Refusal:
    line: int
    row: dict[str, str]
    reasons: list[Reason]


@dataclass
class Checker:
    """Checks rows against the agencies, the policies and the rows seen before in the file."""

    agencies: list[Agency]
    policies: PolicySet
    now: datetime
    seen: dict[str, int] = field(default_factory=dict)  # source_ref -> its first line

    def __post_init__(self):
        self._by_id = {str(a.id): a for a in self.agencies}
        self._by_name: dict[str, list[Agency]] = {}
        for agency in self.agencies:
            self._by_name.setdefault(agency.name.strip().casefold(), []).append(agency)

    def check(self, line: int, raw: dict[str, str]) -> ImportRow | Refusal:
        """The row in domain types, or every reason it is refused."""
        reasons: list[Reason] = []
        if "\x00" in "".join(raw.values()):
            reasons.append(Reason(N_("a cell contains the NUL character")))
        if "__extra__" in raw:
            reasons.append(Reason(N_("the row has more cells than the header has columns")))
        for name in ("source_ref", "kind", "title", "channel", "citizen_name", "agency",
                     "received_at"):  # fmt: skip
            if not raw.get(name):
                reasons.append(Reason(N_("%(column)s is empty"), {"column": name}))
        for name, limit in _LENGTHS.items():
            if len(raw.get(name) or "") > limit:
                reasons.append(
                    Reason(
                        N_("%(column)s is longer than %(limit)s characters"),
                        {"column": name, "limit": limit},
                    )
                )
        ref = raw.get("source_ref", "")
        if ref:
            if ref in self.seen:
                reasons.append(
                    Reason(
                        N_("source_ref '%(value)s' is already used on line %(line)s"),
                        {"value": ref, "line": self.seen[ref]},
                    )
                )
            else:
                self.seen[ref] = line
        kind = _choice(CaseKind, raw.get("kind"), "kind", reasons)
        channel = _choice(Channel, raw.get("channel"), "channel", reasons)
        status = _choice(CaseStatus, raw.get("status") or "received", "status", reasons)
        agency = self._agency(raw.get("agency", ""), reasons)
        received_at = self._instant(raw.get("received_at"), "received_at", reasons)
        resolved_at = self._instant(raw.get("resolved_at"), "resolved_at", reasons)
        if status in FINISHED_WITH_DATE and not raw.get("resolved_at"):
            reasons.append(
                Reason(N_("a row with status %(status)s needs its resolved_at"), {"status": status})
            )
        if status in OPEN_STATUSES and raw.get("resolved_at"):
            reasons.append(
                Reason(
                    N_("a row with status %(status)s has no resolved_at (the case is open)"),
                    {"status": status},
                )
            )
        if received_at and resolved_at and resolved_at < received_at:
            reasons.append(Reason(N_("resolved_at lies before received_at")))
        if kind is not None and received_at is not None:
            try:
                self.policies.in_force(kind, received_at.astimezone(LOCAL_TZ).date())
            except Invalid:
                day = received_at.astimezone(LOCAL_TZ).date().strftime("%d/%m/%Y")
                reasons.append(
                    Reason(
                        N_("no deadline policy for the kind %(kind)s is in force on %(day)s"),
                        {"kind": kind, "day": day},
                    )
                )
        phone = raw.get("citizen_phone") or None
        if phone is not None:
            try:
                _PHONE.validate_python(phone)
            except ValidationError:
                reasons.append(
                    Reason(N_("citizen_phone '%(value)s' is not a phone number"), {"value": phone})
                )
        email = raw.get("citizen_email") or None
        if email is not None:
            try:
                email = str(_EMAIL.validate_python(email))
            except ValidationError:
                reasons.append(
                    Reason(
                        N_("citizen_email '%(value)s' is not an email address"), {"value": email}
                    )
                )
        id_number = raw.get("citizen_id_number") or None
        if id_number is not None:
            fault = id_number_fault(id_number)
            if fault is not None:
                reasons.append(
                    Reason(
                        N_("citizen_id_number '%(value)s': %(problem)s"),
                        {"value": id_number, "problem": Reason(*fault)},
                    )
                )
        if reasons:
            return Refusal(line=line, row=raw, reasons=reasons)
        return ImportRow(
            line=line,
            source_ref=ref,
            kind=kind,
            status=status,
            channel=channel,
            title=raw["title"],
            description=raw.get("description", ""),
            citizen_name=raw["citizen_name"],
            citizen_phone=phone,
            citizen_email=email,
            citizen_address=raw.get("citizen_address") or None,
            citizen_id_number=id_number,
            agency=agency,
            received_at=received_at,
            resolved_at=resolved_at,
            procedure_code=raw.get("procedure_code") or None,
        )

    def _agency(self, text: str, reasons: list[Reason]) -> Agency | None:
        if not text:
            return None
        found = [self._by_id[text]] if text in self._by_id else self._by_name.get(text.casefold())
        if not found:
            reasons.append(
                Reason(N_("unknown agency '%(value)s' (give its id or its exact name)"),
                       {"value": text})
            )  # fmt: skip
            return None
        if len(found) > 1:
            ids = ", ".join(str(a.id) for a in found)
            reasons.append(
                Reason(
                    N_("the agency name '%(value)s' is shared by agencies %(ids)s: give the id"),
                    {"value": text, "ids": ids},
                )
            )
            return None
        if found[0].dissolved_at is not None:
            reasons.append(Reason(N_("agency '%(value)s' was dissolved"), {"value": text}))
            return None
        return found[0]

    def _instant(self, text: str | None, name: str, reasons: list[Reason]) -> datetime | None:
        if not text:
            return None
        value = parse_instant(text)
        if value is None:
            reasons.append(
                Reason(
                    N_(
                        "%(column)s '%(value)s' is not a date "
                        "(dd/mm/yyyy, dd/mm/yyyy HH:MM or ISO 8601)"
                    ),
                    {"column": name, "value": text},
                )
            )
            return None
        if value > self.now:
            reasons.append(
                Reason(N_("%(column)s '%(value)s' lies in the future"),
                       {"column": name, "value": text})
            )  # fmt: skip
            return None
        if value.year < 1900:
            reasons.append(
                Reason(N_("%(column)s '%(value)s' lies before 1900"),
                       {"column": name, "value": text})
            )  # fmt: skip
            return None
        return value


def parse_instant(text: str) -> datetime | None:
    """A register's date or date-time as a UTC instant (local time when no offset is given);
    None when it is none of the accepted forms."""
    text = text.strip()
    value = None
    for form in _DATE_FORMATS:
        try:
            value = datetime.strptime(text, form)  # noqa: DTZ007 - local time, zoned below
            break
        except ValueError:
            continue
    if value is None and re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def _choice(enum, text: str | None, name: str, reasons: list[Reason]):
    if not text:
        return None
    try:
        return enum(text.strip().lower())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        reasons.append(
            Reason(
                N_("unknown %(column)s '%(value)s' (one of: %(allowed)s)"),
                {"column": name, "value": text, "allowed": allowed},
            )
        )
        return None


def local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()
