"""Cases, their append-only event history, and the code counters."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import EmailStr, StringConstraints
from sqlalchemy import Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import Id, Instant, JSONType, Text, UTCDateTime
from models.citizen_id import IdNumber


class CaseKind(StrEnum):
    complaint = "complaint"
    denunciation = "denunciation"
    petition = "petition"
    dossier = "dossier"


class Channel(StrEnum):
    in_person = "in_person"
    hotline = "hotline"
    email = "email"
    online = "online"
    inspection = "inspection"


class CaseStatus(StrEnum):
    received = "received"
    accepted = "accepted"
    on_hold = "on_hold"
    resolved = "resolved"
    closed = "closed"
    declined = "declined"
    withdrawn = "withdrawn"


OPEN_STATUSES = (CaseStatus.received, CaseStatus.accepted, CaseStatus.on_hold)
# The predicates of two partial indexes (migration 0026), as SQL text: a query uses such an
# index only when its WHERE says the same, with values, not parameters.
OPEN_PREDICATE = "status IN ('received', 'accepted', 'on_hold')"
RUNNING_DUE_PREDICATE = "status IN ('received', 'accepted') AND due_at IS NOT NULL"


class Complexity(StrEnum):
    normal = "normal"
    complex = "complex"
    especially_complex = "especially_complex"


Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 .\-]{5,19}$")]


class Citizen(SQLModel):
    name: Text = Field(min_length=1, max_length=255)
    phone: Phone | None = Field(default=None, max_length=32)
    email: EmailStr | None = None
    address: Text | None = Field(default=None, max_length=500)
    id_number: Text | None = Field(default=None, max_length=32)


class CitizenCreate(Citizen):
    """The citizen as the desk registers them: a CCCD number, if given, must be one."""

    id_number: IdNumber | None = None


class CaseCreate(SQLModel):
    kind: CaseKind
    title: Text = Field(min_length=1, max_length=500)
    description: Text = Field(default="", max_length=20000)
    channel: Channel
    citizen: CitizenCreate
    agency_id: Id
    received_at: Instant | None = None
    complexity: Complexity = Complexity.normal
    # A free-text label kept for old callers; `procedure_code` is the one that sets a dossier's
    # processing time (one of GET /procedures).
    procedure: Text | None = Field(default=None, max_length=64)
    procedure_code: Text | None = Field(default=None, max_length=64)
    # Complaints: 1 (first time) or 2 (second time, Law 02/2011 Art. 33), with the first case.
    instance: Literal[1, 2] | None = None
    first_case_id: Id | None = None


class CasePublic(SQLModel):
    id: int
    code: str
    kind: CaseKind
    status: CaseStatus
    title: str
    description: str
    channel: Channel
    citizen: Citizen
    # True when `citizen` only says that a denouncer's identity is kept confidential.
    identity_hidden: bool = False
    agency_id: int
    assignee_id: int | None
    received_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    overdue: bool
    escalation_level: int
    extensions_used: int
    transfer_count: int
    ping_pong: bool
    long_pending: bool
    complexity: Complexity
    policy_version: str
    paused_at: datetime | None
    date_reset_used: bool
    procedure_code: str | None = None
    # The date promised to the citizen: a dossier's return date as on the slip (form 01),
    # otherwise the resolution deadline as it stands (None before acceptance).
    promised_at: datetime | None = None
    instance: int = 1
    first_case_id: int | None = None
    # A second complaint filed after the Art. 33 window: flagged, not refused.
    filed_after_window: bool = False
    # Second complaints about this case's decision (filled on GET /cases/{id}).
    second_case_ids: list[int] = []
    completion_requests: int = 0
    version: int


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_agency_status", "agency_id", "status"),
        Index("ix_cases_phone_digits", "phone_digits"),  # the duplicate hint at intake
        # Covers the open-case figures of reports and dashboards (index-only scans):
        # 405 ms -> 57 ms nationally over 1,000,000 cases on PostgreSQL (docs/benchmarks.md).
        Index(
            "ix_cases_open_figures",
            "status",
            "agency_id",
            "due_at",
            "received_at",
            "paused_at",
            "escalation_level",
            "ping_pong",
        ),  # fmt: skip
        # The summary's period figures within a scope and for every agency: index-only range
        # scans instead of one OR over both periods (migration 0009, docs/benchmarks.md).
        Index("ix_cases_agency_received", "agency_id", "received_at"),
        Index("ix_cases_agency_resolved", "agency_id", "resolved_at", "resolved_due_at"),
        Index("ix_cases_resolved_on_time", "resolved_at", "resolved_due_at"),
        # The national figures as of now count only the days next to a boundary from these
        # (migration 0026, workflows/reports/open_rollup.py).
        Index(
            "ix_cases_open_received",
            "received_at",
            postgresql_where=text(OPEN_PREDICATE),
            sqlite_where=text(OPEN_PREDICATE),
        ),
        Index(
            "ix_cases_running_due",
            "due_at",
            postgresql_where=text(RUNNING_DUE_PREDICATE),
            sqlite_where=text(RUNNING_DUE_PREDICATE),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    kind: CaseKind = Field(sa_type=String(16), index=True)
    status: CaseStatus = Field(sa_type=String(16), index=True)
    title: str = Field(max_length=500)
    description: str = ""
    channel: Channel = Field(sa_type=String(16))
    citizen_name: str = Field(max_length=255)
    citizen_phone: str | None = Field(default=None, max_length=32)
    citizen_email: str | None = Field(default=None, max_length=255)
    citizen_address: str | None = Field(default=None, max_length=500)
    citizen_id_number: str | None = Field(default=None, max_length=32, index=True)
    # The register's own reference of a case brought over by `dondoc import` (reruns skip it).
    source_ref: str | None = Field(default=None, max_length=128, unique=True, index=True)
    # Digits only, for the public look-up and the duplicate hint.
    phone_digits: str | None = Field(default=None, max_length=32)

    agency_id: int = Field(foreign_key="agencies.id")
    assignee_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    procedure: str | None = Field(default=None, max_length=64)
    procedure_code: str | None = Field(default=None, max_length=64)
    # Working days from receipt to the return date, fixed at receipt from the procedure
    # (remote extra days included); None: the policy's default.
    processing_days: int | None = None
    promised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    instance: int = 1
    first_case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    filed_after_window: bool = False
    completion_requests: int = 0
    complexity: Complexity = Field(default=Complexity.normal, sa_type=String(24))
    remote_area: bool = False

    received_at: datetime = Field(sa_type=UTCDateTime, index=True)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    # The deadline in force now: to accept while received, to resolve afterwards.
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # The deadline the case was resolved against (for the on-time rate).
    resolved_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Start of the running clock and, while on hold, when it stopped.
    clock_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    policy_version: str = Field(default="", max_length=64)
    # What started the running clock: receipt, transfer, acceptance, restart, reopen, directive.
    clock_event: str = Field(default="receipt", max_length=16)
    # Clock time lost to pauses since clock_started_at, in the policy's unit.
    paused_units: int = 0
    extensions_used: int = 0
    date_reset_used: bool = False
    # The new return date promised with the apology (dossiers; at most once).
    reset_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    transfer_count: int = 0
    ping_pong: bool = False
    escalation_level: int = 0
    long_pending: bool = False
    # When the sweep next looks at the case: models/case_schedule.py.

    idempotency_key: str | None = Field(default=None, max_length=128, unique=True)
    idempotency_hash: str | None = Field(default=None, max_length=64)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CaseEventPublic(SQLModel):
    id: int
    case_id: int
    at: datetime
    actor_id: int | None
    action: str
    from_status: str | None
    to_status: str | None
    data: dict[str, Any]


class CaseEvent(SQLModel, table=True):
    """One row per change of a case; never updated, never deleted."""

    __tablename__ = "case_events"
    # Counting one kind of event in a period (transfers, escalations) without a full scan:
    # for every agency, and within a scope of agencies (migration 0009).
    __table_args__ = (
        Index("ix_case_events_action_at", "action", "at"),
        Index("ix_case_events_agency_action_at", "agency_id", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=48)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    # The agency the event belongs to in reports; every writer sets it (the case's agency).
    agency_id: int | None = Field(default=None, foreign_key="agencies.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class CodeCounter(SQLModel, table=True):
    """The last number handed out per code prefix and year (gap-free codes)."""

    __tablename__ = "code_counters"
    __table_args__ = (UniqueConstraint("prefix", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=8)
    year: int
    value: int = 0
