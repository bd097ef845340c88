"""The fields each lifecycle action needs; a missing or malformed field is a 422."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models import Complexity
from models.base import Day, Id, Instant, Text

Required = Field(min_length=1, max_length=5000)


class Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Note(Fields):
    note: Text | None = Field(default=None, max_length=5000)


class Reason(Fields):
    reason: Text = Required


class Transfer(Fields):
    agency_id: Id
    reason: Text = Required


class Assign(Fields):
    assignee_id: Id
    note: Text | None = Field(default=None, max_length=5000)


class RequestDocuments(Fields):
    missing: Text = Required


class Extend(Fields):
    reason: Text = Required
    # A denunciation found complex (or especially complex) when the extension is decided.
    complexity: Complexity | None = None


class DeclareComplex(Fields):
    """A complaint found complex after acceptance (Law 02/2011 Art. 28, 37): once, before the
    deadline; the longer limit applies."""

    reason: Text = Required


# Luật Tố cáo 2018 Art. 36.1: the grounds on which the resolution of a denunciation is
# suspended (tạm đình chỉ) by a written decision.
SuspendGrounds = Literal[
    "awaiting_other_resolution",  # (a) the result of another body's resolution or related case
    "awaiting_expert_assessment",  # (b) an additional or repeated expert assessment
    "awaiting_successor",  # (c) the accused died or the body was dissolved: its successor
]


class Suspend(Fields):
    grounds: SuspendGrounds
    decision: Text = Required  # the decision's number and date, or its text


class Withdraw(Fields):
    """The citizen withdraws. A denunciation: the denouncer's written request, and the
    resolver's decision to stop or, where there are signs of a violation or the withdrawal
    was coerced, to continue (Luật Tố cáo 2018 Art. 33)."""

    reason: Text = Required
    written_request: Text | None = Field(default=None, max_length=5000)
    decision: Literal["stop", "continue"] | None = None


class Resolve(Fields):
    answer: Text = Required


class ResetDate(Fields):
    """A late dossier: the apology (form 04) with the reason and the new return date."""

    new_due_date: Day
    reason: Text = Required


class Reorganise(Fields):
    agency_id: Id
    reason: Text = Required
    effective_on: Day | None = None  # the day the reorganisation took effect, if one did


class Conclude(Fields):
    """An inspection conclusion for one case: closed, or a directive with a new deadline."""

    outcome: Literal["closed", "directive"]
    text: Text = Required
    inspection_id: Id | None = None
    responsible_user_id: Id | None = None
    due_at: Instant | None = None

    @model_validator(mode="after")
    def _directive_needs_who_and_when(self) -> "Conclude":
        if self.outcome == "directive" and (self.responsible_user_id is None or not self.due_at):
            raise ValueError("a directive needs responsible_user_id and due_at")
        if self.due_at is not None and self.due_at.tzinfo is None:
            raise ValueError("due_at must carry a timezone")
        return self
