"""A denouncer's identity (Luật Tố cáo 2018 Art. 47-48; DESIGN.md "Access").

One rule decides who may see it (`may_see_identity`, and `identity_visible` as the same rule
in SQL for searches); one function masks it (`citizen_for`); one function records each
showing (`reveal`). Every surface that prints a citizen (JSON, pages, lists, search, exports,
agendas, timelines) goes through them.

Who may see a denunciation's denouncer: the case's assignee, the head of the agency resolving
it (a user with the head role at the case's agency, or the agency's `head_user_id`), and
administrators. Heads of parent agencies do not: DESIGN says "the head of the agency
resolving it", and Art. 47 confines the identity to those who resolve; a parent head who
needs it takes the case over (a transfer) or asks the resolver. The desk clerk sees what
they type in the answer to their own POST /cases, and afterwards not. Staff emails never
carry a citizen's identity (notifications/context.py has no citizen field), so an allowed
reader meets it only where a showing can be recorded.

Each showing to an allowed reader is an `identity_shown` event on the case, at most one per
reader, case and local day (a list of fifty denunciations read ten times a day is fifty
events, not five hundred). Two requests at the same instant may both write one: harmless.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Agency, Case, CaseEvent, CaseKind, CasePublic, Citizen, Role, User
from workflows.deadlines.dates import LOCAL_TZ, local_date

HIDDEN = {
    "vi": "Danh tính người tố cáo được giữ bí mật",
    "en": "The denouncer's identity is kept confidential",
}
HIDDEN_BOTH = f"{HIDDEN['vi']} / {HIDDEN['en']}"  # for bilingual documents (agenda, CSV)
SHOWN = "identity_shown"
CHUNK = 1000


def is_protected(case: Any) -> bool:
    """Whether the case's citizen is a denouncer whose identity the law protects."""
    return case.kind == CaseKind.denunciation


def may_see_identity(*, session: Session, case: Case, viewer: User | None) -> bool:
    """Whether `viewer` may be shown the citizen of `case` (always, unless a denunciation)."""
    if not is_protected(case):
        return True
    if viewer is None or not viewer.is_active:
        return False
    if viewer.role == Role.admin:
        return True
    if case.assignee_id is not None and case.assignee_id == viewer.id:
        return True
    if viewer.role == Role.head and viewer.agency_id == case.agency_id:
        return True
    agency = session.get(Agency, case.agency_id)
    return agency is not None and agency.head_user_id == viewer.id


def identity_visible(viewer: User | None) -> sa.ColumnElement[bool]:
    """may_see_identity() as a condition on `Case`, for searches by the citizen's name."""
    not_protected = Case.kind != CaseKind.denunciation
    if viewer is None:
        return not_protected
    if viewer.role == Role.admin:
        return sa.true()
    clauses = [
        not_protected,
        Case.assignee_id == viewer.id,
        Case.agency_id.in_(select(Agency.id).where(Agency.head_user_id == viewer.id)),
    ]
    if viewer.role == Role.head and viewer.agency_id is not None:
        clauses.append(Case.agency_id == viewer.agency_id)
    return sa.or_(*clauses)


def reveal(
    *, session: Session, cases: Iterable[Case], viewer: User | None, now: datetime, where: str
) -> frozenset[int]:
    """The ids of the denunciations among `cases` whose denouncer `viewer` is shown, each
    recorded as an `identity_shown` event (one per reader, case and local day).

    The caller commits. Cases that are not denunciations are never in the answer: they need
    no permission (see `citizen_for`)."""
    allowed = [
        c
        for c in cases
        if is_protected(c) and may_see_identity(session=session, case=c, viewer=viewer)
    ]
    if not allowed:
        return frozenset()
    day_start = datetime.combine(local_date(now), time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    ids = [c.id for c in allowed]
    already: set[int] = set()
    for start in range(0, len(ids), CHUNK):  # an export may hold more ids than SQLite binds
        already.update(
            session.scalars(
                select(CaseEvent.case_id).where(
                    CaseEvent.case_id.in_(ids[start : start + CHUNK]),
                    CaseEvent.action == SHOWN,
                    CaseEvent.actor_id == viewer.id,
                    CaseEvent.at >= day_start,
                )
            )
        )
    for case in allowed:
        if case.id in already:
            continue
        session.add(
            CaseEvent(
                case_id=case.id,
                at=now,
                actor_id=viewer.id,
                action=SHOWN,
                from_status=case.status,
                to_status=case.status,
                agency_id=case.agency_id,
                data={"where": where},
            )
        )
        already.add(case.id)
    return frozenset(ids)


def hidden(case: Any, shown: Collection[int]) -> bool:
    """Whether the citizen of `case` must be masked for a reader shown `shown`."""
    return is_protected(case) and case.id not in shown


@dataclass(frozen=True)
class Identity:
    """The citizen as one reader may see them; `hidden` when masked."""

    hidden: bool
    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    id_number: str | None = None


def identity(case: Any, shown: Collection[int], lang: str = "vi") -> Identity:
    """The citizen of `case` for a reader who was shown `shown` (pages, agendas, exports)."""
    if hidden(case, shown):
        return Identity(hidden=True, name=HIDDEN.get(lang, HIDDEN["vi"]))
    return Identity(
        hidden=False,
        name=case.citizen_name,
        phone=case.citizen_phone,
        email=case.citizen_email,
        address=case.citizen_address,
        id_number=case.citizen_id_number,
    )


def citizen_for(case: Case, shown: Collection[int]) -> Citizen:
    """The API's `citizen` object: the real one, or only the notice that it is confidential."""
    if hidden(case, shown):
        return Citizen(name=HIDDEN["vi"])
    return Citizen(
        name=case.citizen_name,
        phone=case.citizen_phone,
        email=case.citizen_email,
        address=case.citizen_address,
        id_number=case.citizen_id_number,
    )


def mask_data(data: dict[str, Any]) -> dict[str, Any]:
    """Event data without the citizen's fields (`citizen`, `citizen_*`), for masked readers."""
    return {
        key: HIDDEN["vi"] if key == "citizen" or key.startswith("citizen_") else value
        for key, value in data.items()
    }


def public(case: Case, *, shown: Collection[int], now: datetime) -> CasePublic:
    """The API shape of a case (intake.to_public) as one reader may see it."""
    from workflows.cases.intake import to_public

    return to_public(case, now=now).model_copy(
        update={"citizen": citizen_for(case, shown), "identity_hidden": hidden(case, shown)}
    )
