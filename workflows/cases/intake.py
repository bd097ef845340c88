"""Case intake: codes, idempotency, backlog, the duplicate hint, the case's API shape.

Codes are `<PREFIX>-<YEAR>-<NNNNNN>`: KN complaint (khiếu nại), TC denunciation (tố cáo),
KNPA petition (kiến nghị, phản ánh), HS dossier (hồ sơ). The year is the local year of
registration (the day the code is handed out, also for backlog cases). The number comes from
`code_counters` with an atomic upsert in the intake transaction: concurrent intakes wait for
each other's row lock, a rolled-back intake returns its number, so codes have no gaps.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session

from core.errors import Forbidden, Invalid
from models import (
    OPEN_STATUSES,
    Case,
    CaseCreate,
    CaseKind,
    CasePublic,
    Citizen,
    CodeCounter,
    Role,
    User,
)
from workflows.cases import (
    citizen_notices,
    intake_write,
    lifecycle,
    notices,
    reference,
    second_complaints,
)
from workflows.cases.text import similar_titles
from workflows.deadlines import dates as deadlines
from workflows.deadlines import mail_facts, overdue, procedures
from workflows.deadlines import policies as policy_data
from workflows.deadlines.policies import PolicySet
from workflows.escalation import sweep as escalation

PREFIXES = {
    CaseKind.complaint: "KN",
    CaseKind.denunciation: "TC",
    CaseKind.petition: "KNPA",
    CaseKind.dossier: "HS",
}
INTAKE_ROLES = (Role.clerk, Role.officer, Role.head, Role.admin)


@dataclass
class Intake:
    case: Case
    created: bool  # False: an earlier request with the same Idempotency-Key
    duplicates: list[Case]


def next_code(*, session: Session, kind: CaseKind, year: int) -> str:
    """The next gap-free code for `kind` in `year`, taken in the caller's transaction."""
    prefix = PREFIXES[kind]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = CodeCounter.__table__
    statement = (
        dialect.insert(table)
        .values(prefix=prefix, year=year, value=1)
        .on_conflict_do_update(index_elements=["prefix", "year"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{year}-{value:06d}"


_TYPED_CODE = re.compile(r"(KNPA|KN|TC|HS)(\d{4})(\d{6})")


def normalise_code(text: str) -> str:
    """A tracking code as a citizen may type it (lower case, spaces, no hyphens:
    "kn 2026 000123", "KN2026000123") in the form codes are stored (KN-2026-000123).
    Anything else is only upper-cased and stripped of spaces, and then matches no case."""
    squeezed = re.sub(r"\s+", "", text or "").upper()
    match = _TYPED_CODE.fullmatch(squeezed.replace("-", ""))
    return "-".join(match.groups()) if match else squeezed


def body_hash(data: CaseCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def intake(
    *,
    session: Session,
    data: CaseCreate,
    actor: User,
    now: datetime,
    base_url: str,
    idempotency_key: str | None = None,
    policies: PolicySet | None = None,
    sms: bool = False,
) -> Intake:
    """Register a case (or return the one an identical earlier request registered)."""
    digest = body_hash(data)
    if idempotency_key is not None and "\x00" in idempotency_key:  # PostgreSQL cannot store it
        raise Invalid(
            "the Idempotency-Key may not contain the NUL character", code="intake.key_invalid"
        )
    if idempotency_key is not None:
        earlier = session.execute(_BY_KEY, {"key": idempotency_key}).first()
        if earlier is not None:
            if earlier.idempotency_hash != digest or earlier.created_by_id != actor.id:
                raise Invalid(
                    "this Idempotency-Key was used with a different request body",
                    code="intake.key_reused",
                )
            return Intake(case=session.get(Case, earlier.id), created=False, duplicates=[])
    if actor.role not in INTAKE_ROLES:
        raise Forbidden(f"a {actor.role} may not register cases", code="intake.not_allowed")
    ref = reference.current(session=session)  # the agency tree and the calendar, per process
    agency = ref.agencies.get(data.agency_id)
    if agency is None or agency.dissolved:
        raise Invalid(
            f"agency {data.agency_id} does not exist or was dissolved", code="intake.no_agency"
        )
    if actor.role != Role.admin and data.agency_id not in _visible(ref, actor):
        raise Forbidden(
            "you may register cases only for your own agency", code="intake.other_agency"
        )
    instance = second_complaints.check_request(
        kind=data.kind, instance=data.instance, first_case_id=data.first_case_id
    )
    first = None
    if data.first_case_id is not None:
        first = second_complaints.first_case(
            session=session, first_case_id=data.first_case_id, agency_id=agency.id, actor=actor
        )
    procedure = None
    if data.procedure_code is not None:
        if data.kind != CaseKind.dossier:
            raise Invalid(
                "procedure_code applies to dossiers only", code="intake.procedure_dossiers"
            )
        procedure = procedures.get(session=session, code=data.procedure_code)
    received_at = data.received_at or now
    if received_at.tzinfo is None:
        raise Invalid("received_at must carry a timezone")
    if received_at > now:
        raise Invalid("received_at cannot lie in the future")
    citizen = data.citizen
    case = Case(
        kind=data.kind,
        title=data.title,
        description=data.description,
        channel=data.channel,
        citizen_name=citizen.name,
        citizen_phone=citizen.phone,
        citizen_email=citizen.email,
        citizen_address=citizen.address,
        citizen_id_number=citizen.id_number,
        phone_digits=re.sub(r"\D", "", citizen.phone) if citizen.phone else None,
        agency_id=agency.id,
        procedure=data.procedure,
        procedure_code=procedure.code if procedure else None,
        processing_days=(
            procedures.processing_days(procedure, remote=agency.remote_area) if procedure else None
        ),
        instance=instance,
        first_case_id=first.id if first else None,
        complexity=data.complexity,
        remote_area=agency.remote_area,
        received_at=received_at,
        idempotency_key=idempotency_key,
        idempotency_hash=digest if idempotency_key else None,
        created_by_id=actor.id,
        updated_at=now,
    )
    duplicates = possible_duplicates(session=session, case=case)
    calendar = ref.calendar
    extra = {}
    if procedure is not None:
        extra = {"procedure_code": procedure.code, "processing_days": case.processing_days}
    year = deadlines.local_date(now).year
    if first is None and notices.rule_for(case=case, action="receive") is None:
        _open_lean(
            session=session, case=case, actor=actor, now=now, policies=policies, ref=ref,
            agency_name=agency.name, base_url=base_url, extra=extra, year=year, sms=sms,
        )  # fmt: skip
        return Intake(case=case, created=True, duplicates=duplicates)
    if first is not None:
        policy = (policies or policy_data.default()).in_force(
            CaseKind.complaint, deadlines.local_date(received_at), 2
        )
        extra = second_complaints.assess(
            session=session, case=case, first=first, policy=policy, calendar=calendar
        )
    # Every read is done: the code's counter row stays locked until commit, so it is taken
    # last, and only the case, its event and its outbox rows are written while it is held.
    case.code = next_code(session=session, kind=data.kind, year=year)
    lifecycle.open_case(
        session=session,
        case=case,
        actor=actor,
        now=now,
        policies=policies,
        base_url=base_url,
        calendar=calendar,
        data=extra,
        sms=sms,
    )
    if first is not None:
        second_complaints.record_link(session=session, case=case, first=first, now=now)
    return Intake(case=case, created=True, duplicates=duplicates)


# The Idempotency-Key's earlier case, if any: three columns, no ORM object unless it exists.
_BY_KEY = text("SELECT id, idempotency_hash, created_by_id FROM cases WHERE idempotency_key = :key")
_CANDIDATES = text(
    "SELECT id, title FROM cases WHERE agency_id = :agency_id AND status IN :statuses "
    "AND (phone_digits = :phone OR citizen_id_number = :id_number) "
    "ORDER BY received_at DESC, id DESC LIMIT :candidates"
).bindparams(bindparam("statuses", expanding=True))
_OPEN = [str(status) for status in OPEN_STATUSES]


def _visible(ref: reference.Reference, actor: User) -> list[int]:
    """The agencies an intake role may register for (access.visible_agency_ids, from the
    per-process tree): a head's subtree, an officer's or clerk's own agency."""
    if actor.agency_id is None:
        return []
    if actor.role == Role.head:
        return ref.subtree_ids(actor.agency_id)
    return [actor.agency_id]


def _open_lean(
    *,
    session: Session,
    case: Case,
    actor: User,
    now: datetime,
    policies: PolicySet | None,
    ref: reference.Reference,
    agency_name: str,
    base_url: str,
    extra: dict,
    year: int,
    sms: bool = False,
) -> None:
    """lifecycle.open_case's rules, computed before the insert, written by intake_write in
    one statement on PostgreSQL (the code's counter row is locked only for that statement and
    the commit). The case becomes a persistent ORM object without being read back."""
    policy = lifecycle.received(case=case, policies=policies, ladder=ref.ladder, now=now)
    data = {"policy_version": policy.version, **extra}
    event = {
        "at": now,
        "actor_id": actor.id,
        "action": "receive",
        "from_status": None,
        "to_status": str(case.status),
        "agency_id": case.agency_id,
        "data": {**data, "due_at": case.due_at.isoformat() if case.due_at else None},
    }
    message_for = None
    if citizen_notices.owed(case=case, action="receive", sms=sms):

        def message_for(new_case) -> dict:
            facts = mail_facts.case_facts(
                case=new_case, agency_name=agency_name, now=now, base_url=base_url
            )
            return citizen_notices.message(
                case=new_case, action="receive", data=event["data"], facts=facts, now=now,
                base_url=base_url, sms=sms,
            )  # fmt: skip

    next_action_at = escalation.next_action(session=None, case=case, now=now, policy=ref.ladder)
    intake_write.insert(
        session=session, case=case, prefix=PREFIXES[case.kind], year=year, event=event,
        message_for=message_for, next_action_at=next_action_at,
    )  # fmt: skip
    make_transient_to_detached(case)
    session.add(case)


def possible_duplicates(*, session: Session, case: Case) -> list[Case]:
    """Open cases of the same citizen at the same agency with a similar title, newest
    first: at most DUPLICATE_HINTS among the DUPLICATE_CANDIDATES most recent."""
    if not case.phone_digits and not case.citizen_id_number:
        return []
    params = {
        "agency_id": case.agency_id,
        "statuses": _OPEN,
        "phone": case.phone_digits,  # NULL matches nothing
        "id_number": case.citizen_id_number,
        "candidates": DUPLICATE_CANDIDATES,
    }
    rows = session.execute(_CANDIDATES, params).all()
    similar = [r.id for r in rows if r.id != case.id and similar_titles(r.title, case.title)]
    return [session.get(Case, case_id) for case_id in similar[:DUPLICATE_HINTS]]


# The hint looks at the citizen's most recent open cases there and names a few: bounded, so
# a citizen (or a shared phone) with hundreds of open cases does not slow every intake down
# (each intake had read and returned all of them).
DUPLICATE_CANDIDATES = 50
DUPLICATE_HINTS = 5


def to_public(case: Case, *, now: datetime) -> CasePublic:
    """The API shape of a case, with the overdue flag as of `now`."""
    return CasePublic.model_validate(
        case,
        update={
            "overdue": overdue.is_overdue(case=case, now=now),
            "citizen": Citizen(
                name=case.citizen_name,
                phone=case.citizen_phone,
                email=case.citizen_email,
                address=case.citizen_address,
                id_number=case.citizen_id_number,
            ),
        },
    )
