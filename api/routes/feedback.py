"""POST /public/cases/{code}/feedback: the citizen rates their resolved case, once."""

from datetime import datetime

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field
from sqlmodel import Session

from api import throttle as counters
from api.deps import Now, SessionDep
from workflows.feedback import rating

router = APIRouter(prefix="/public", tags=["public"])

Score = Field(ge=1, le=5)


class Aspects(BaseModel):
    access: int | None = Field(default=None, ge=1, le=5)
    procedure: int | None = Field(default=None, ge=1, le=5)
    officials: int | None = Field(default=None, ge=1, le=5)
    result: int | None = Field(default=None, ge=1, le=5)
    timeliness: int | None = Field(default=None, ge=1, le=5)


class FeedbackIn(BaseModel):
    phone_last4: str = Field(pattern=r"^[0-9]{4}$")
    score: int = Score
    comment: str = Field(default="", max_length=2000)
    aspects: Aspects = Aspects()


class FeedbackOut(BaseModel):
    code: str
    score: int
    created_at: datetime


def throttle(*, request: Request, session: Session, now: datetime) -> None:
    """Every public request counts against its client (api/throttle.py): 429 with
    Retry-After over the limit."""
    counters.every_request(
        request=request, session=session, rule=counters.FEEDBACK_PER_CLIENT, now=now
    )


@router.post("/cases/{code}/feedback", status_code=status.HTTP_201_CREATED)
def give_feedback(
    code: str, body: FeedbackIn, request: Request, session: SessionDep, now: Now
) -> FeedbackOut:
    throttle(request=request, session=session, now=now)
    given = rating.rate(
        session=session,
        code=code,
        phone_last4=body.phone_last4,
        rating=rating.Rating(
            score=body.score,
            comment=body.comment,
            aspects=body.aspects.model_dump(exclude_none=True),
        ),
        now=now,
    )
    session.commit()
    return FeedbackOut(code=code.strip().upper(), score=given.score, created_at=given.created_at)
