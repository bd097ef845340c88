"""The fields each lifecycle action needs; a missing or malformed field is a 422."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models import Complexity
from models.base import Day, Id, Instant

Text = Field(min_length=1, max_length=5000)


class Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Note(Fields):
    note: str | None = Field(default=None, max_length=5000)


class Reason(Fields):
    reason: str = Text


class Transfer(Fields):
    agency_id: Id
    reason: str = Text


class Assign(Fields):
    assignee_id: Id
    note: str | None = Field(default=None, max_length=5000)


class RequestDocuments(Fields):
    missing: str = Text


class Extend(Fields):
    reason: str = Text
    # A denunciation found complex (or especially complex) when the extension is decided.
    complexity: Complexity | None = None


class Resolve(Fields):
    answer: str = Text


class ResetDate(Fields):
    """A late dossier: the apology (form 04) with the reason and the new return date."""

    new_due_date: Day
    reason: str = Text


class Reorganise(Fields):
    agency_id: Id
    reason: str = Text


class Conclude(Fields):
    """An inspection conclusion for one case: closed, or a directive with a new deadline."""

    outcome: Literal["closed", "directive"]
    text: str = Text
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
