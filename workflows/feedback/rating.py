"""The citizen rates how their case was handled: once, after it was resolved or closed.

The citizen proves it is theirs as in the look-up: the tracking code and the last four digits
of the phone they gave. A wrong code and wrong digits get the same 404, so the answer tells a
guesser nothing. The rating counts for the agency that held the case when it was rated.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.errors import Conflict, Invalid, NotFound
from models import Agency, Case, CaseFeedback, CaseStatus
from models.feedback import ASPECTS

RATABLE = (CaseStatus.resolved, CaseStatus.closed)
SATISFIED = 4  # 4 and 5 are "satisfied" (hài lòng, rất hài lòng)
TRACKING_CODE = re.compile(r"[A-Z0-9\-]{1,32}")


@dataclass
class Rating:
    score: int
    comment: str = ""
    aspects: dict[str, int] = field(default_factory=dict)


def find_case(*, session: Session, code: str, phone_last4: str) -> Case:
    """The case with this code whose phone ends in these digits, or NotFound."""
    code = code.strip().upper()
    if not TRACKING_CODE.fullmatch(code) or not re.fullmatch(r"[0-9]{4}", phone_last4 or ""):
        raise NotFound("no case with this code and these digits", code="lookup.not_found")
    case = session.exec(select(Case).where(Case.code == code)).first()
    digits = (case.phone_digits or "") if case else ""
    if case is None or len(digits) < 4 or digits[-4:] != phone_last4:
        raise NotFound("no case with this code and these digits", code="lookup.not_found")
    return case


def rate(
    *, session: Session, code: str, phone_last4: str, rating: Rating, now: datetime
) -> CaseFeedback:
    case = find_case(session=session, code=code, phone_last4=phone_last4)
    if case.status not in RATABLE:
        raise Invalid("a case can be rated once it is resolved or closed", code="not_resolved")
    for name, value in [("score", rating.score), *rating.aspects.items()]:
        if name != "score" and name not in ASPECTS:
            raise Invalid(
                f"unknown aspect {name!r}; the aspects are {', '.join(ASPECTS)}",
                code="rating.invalid",
            )
        if not 1 <= value <= 5:
            raise Invalid(f"{name} must be from 1 to 5", code="rating.invalid")
    if session.exec(select(CaseFeedback.id).where(CaseFeedback.case_id == case.id)).first():
        raise Conflict("this case was already rated", code="already_rated")
    feedback = CaseFeedback(
        case_id=case.id,
        agency_id=case.agency_id,
        score=rating.score,
        comment=rating.comment.strip(),
        created_at=now,
        **rating.aspects,
    )
    session.add(feedback)
    session.flush()  # a concurrent rating of the same case fails here on the unique case_id
    return feedback


def satisfaction(
    *, session: Session, agency_ids: list[int] | None, start: datetime, end: datetime
) -> dict:
    """Responses, average score and share satisfied (4-5) of ratings given in [start, end)."""
    query = select(
        func.count(),
        func.avg(CaseFeedback.score),
        # satisfied answers: the reports read this module, so it does not import theirs
        func.coalesce(func.sum(sql_case((CaseFeedback.score >= SATISFIED, 1), else_=0)), 0),
    ).where(CaseFeedback.created_at >= start, CaseFeedback.created_at < end)
    if agency_ids is not None:
        query = query.where(col(CaseFeedback.agency_id).in_(agency_ids))
    responses, average, satisfied = session.execute(query).one()
    responses = int(responses)
    return {
        "responses": responses,
        "average_score": round(float(average), 2) if responses else None,
        "share_satisfied": round(int(satisfied) / responses, 4) if responses else None,
    }


@dataclass(frozen=True)
class AgencySatisfaction:
    agency_id: int
    name: str
    responses: int
    average_score: float
    share_satisfied: float


def satisfaction_by_agency(
    *,
    session: Session,
    agency_ids: list[int] | None,
    start: datetime,
    end: datetime,
    worst_first: bool = False,
    limit: int | None = None,
) -> list[AgencySatisfaction]:
    """The figures of `satisfaction` for each agency rated in [start, end): by name, or the
    lowest share satisfied first (the dashboard: where attention is needed)."""
    responses = func.count().label("responses")
    satisfied = func.sum(sql_case((CaseFeedback.score >= SATISFIED, 1), else_=0))
    share = (satisfied * 1.0 / func.count()).label("share")
    per_agency = (
        select(
            CaseFeedback.agency_id.label("agency_id"),
            responses,
            func.avg(CaseFeedback.score).label("average"),
            share,
        )
        .where(CaseFeedback.created_at >= start, CaseFeedback.created_at < end)
        .group_by(CaseFeedback.agency_id)
    )
    if agency_ids is not None:
        per_agency = per_agency.where(col(CaseFeedback.agency_id).in_(agency_ids))
    per_agency = per_agency.subquery()
    order = (
        (per_agency.c.share, per_agency.c.responses.desc(), Agency.name)
        if worst_first
        else (Agency.name, Agency.id)
    )
    query = (
        select(
            Agency.id,
            Agency.name,
            per_agency.c.responses,
            per_agency.c.average,
            per_agency.c.share,
        )
        .join(per_agency, per_agency.c.agency_id == Agency.id)
        .order_by(*order)
        .limit(limit)
    )
    return [
        AgencySatisfaction(
            agency_id=a,
            name=n,
            responses=int(r),
            average_score=round(float(avg), 2),
            share_satisfied=round(float(s), 4),
        )
        for a, n, r, avg, s in session.execute(query)
    ]
