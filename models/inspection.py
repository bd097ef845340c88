"""Inspections: the team, the conclusions per case, and the measures after the meeting."""

from datetime import datetime
from enum import StrEnum

from pydantic import model_validator
from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import AwareInstant, Id, Text, UTCDateTime


class InspectionKind(StrEnum):
    planned = "planned"  # kiểm tra theo kế hoạch
    surprise = "surprise"  # kiểm tra đột xuất
    self_inspection = "self_inspection"  # cơ quan tự kiểm tra


class ConclusionOutcome(StrEnum):
    closed = "closed"
    directive = "directive"


class MeasureKind(StrEnum):
    reminder = "reminder"  # nhắc nhở
    explanation_report = "explanation_report"  # yêu cầu báo cáo giải trình
    responsibility_review = "responsibility_review"  # kiểm điểm trách nhiệm
    discipline = "discipline"  # kỷ luật


# --- API shapes -----------------------------------------------------------------------


class InspectionCreate(SQLModel):
    agency_id: Id
    include_subtree: bool = False
    title: Text = Field(min_length=1, max_length=500)
    legal_basis: Text = Field(default="", max_length=500)
    kind: InspectionKind = InspectionKind.planned
    meeting_at: AwareInstant
    member_ids: list[Id] = Field(min_length=1, max_length=50)
    # The team leader (trưởng đoàn); the first member when not given.
    leader_id: Id | None = None


class MemberPublic(SQLModel):
    user_id: int
    full_name: str
    is_leader: bool


class InspectionPublic(SQLModel):
    id: int
    agency_id: int
    agency_name: str
    include_subtree: bool
    title: str
    legal_basis: str
    kind: InspectionKind
    meeting_at: datetime
    created_by_id: int
    created_at: datetime
    members: list[MemberPublic]


class ConclusionCreate(SQLModel):
    case_id: Id
    outcome: ConclusionOutcome
    text: Text = Field(min_length=1, max_length=5000)
    responsible_user_id: Id | None = None
    due_at: AwareInstant | None = None
    # The case's version the caller saw (the agenda's `version`): a stale one is a 409.
    version: Id | None = None

    @model_validator(mode="after")
    def _directive_fields(self):
        is_directive = self.outcome == ConclusionOutcome.directive
        given = self.responsible_user_id is not None and self.due_at is not None
        if is_directive and not given:
            raise ValueError("a directive needs responsible_user_id and due_at")
        if not is_directive and (self.responsible_user_id is not None or self.due_at):
            raise ValueError("responsible_user_id and due_at belong to a directive only")
        return self


class ConclusionPublic(SQLModel):
    id: int
    inspection_id: int
    case_id: int
    outcome: ConclusionOutcome
    text: str
    responsible_user_id: int | None
    due_at: datetime | None
    done_at: datetime | None
    created_by_id: int
    created_at: datetime


class MeasureTarget(SQLModel):
    agency_id: Id | None = None
    user_id: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.agency_id is None) == (self.user_id is None):
            raise ValueError("a measure targets either an agency or a user")
        return self


class MeasureCreate(SQLModel):
    target: MeasureTarget
    measure: MeasureKind
    text: Text = Field(min_length=1, max_length=5000)
    # The date the explanation report is due (required for explanation_report).
    due_at: AwareInstant | None = None

    @model_validator(mode="after")
    def _report_due(self):
        if self.measure == MeasureKind.explanation_report and self.due_at is None:
            raise ValueError("an explanation report needs due_at")
        return self


class MeasurePublic(SQLModel):
    id: int
    inspection_id: int
    target_agency_id: int | None
    target_user_id: int | None
    measure: MeasureKind
    text: str
    due_at: datetime | None
    done_at: datetime | None
    created_by_id: int
    created_at: datetime


# --- Tables ---------------------------------------------------------------------------


class Inspection(SQLModel, table=True):
    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_kind_meeting", "kind", "meeting_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    include_subtree: bool = False
    title: str = Field(max_length=500)
    legal_basis: str = Field(default="", max_length=500)
    kind: InspectionKind = Field(sa_type=String(24))
    meeting_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class InspectionMember(SQLModel, table=True):
    __tablename__ = "inspection_members"
    __table_args__ = (UniqueConstraint("inspection_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspections.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    is_leader: bool = False


class InspectionConclusion(SQLModel, table=True):
    """What the meeting decided for one case: closed, or a directive with a deadline."""

    __tablename__ = "inspection_conclusions"
    __table_args__ = (UniqueConstraint("inspection_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspections.id", index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    outcome: ConclusionOutcome = Field(sa_type=String(16))
    text: str
    responsible_user_id: int | None = Field(default=None, foreign_key="users.id")
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class InspectionMeasure(SQLModel, table=True):
    """A measure against a unit or an official: reminder, report, review, discipline."""

    __tablename__ = "inspection_measures"
    __table_args__ = (
        CheckConstraint(
            "(target_agency_id IS NULL) <> (target_user_id IS NULL)", name="one_target"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: int = Field(foreign_key="inspections.id", index=True)
    target_agency_id: int | None = Field(default=None, foreign_key="agencies.id", index=True)
    target_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    measure: MeasureKind = Field(sa_type=String(32), index=True)
    text: str
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
