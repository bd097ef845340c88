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
