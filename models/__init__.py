"""SQLModel tables and their API shapes; nothing else lives here."""

from models.agency import Agency, AgencyCreate, AgencyPublic, AgencyUpdate
from models.api_key import ApiKey
from models.base import metadata
from models.calendar import CalendarDay
from models.case import (
    OPEN_STATUSES,
    Case,
    CaseCreate,
    CaseEvent,
    CaseEventPublic,
    CaseKind,
    CasePublic,
    CaseStatus,
    Channel,
    Citizen,
    CodeCounter,
    Complexity,
)
from models.escalation import EscalationStep
from models.feedback import CaseFeedback
from models.inspection import (
    ConclusionCreate,
    ConclusionOutcome,
    ConclusionPublic,
    Inspection,
    InspectionConclusion,
    InspectionCreate,
    InspectionKind,
    InspectionMeasure,
    InspectionMember,
    InspectionPublic,
    MeasureCreate,
    MeasureKind,
    MeasurePublic,
)
from models.notification import (
    DeliveryAttempt,
    DeliveryAttemptPublic,
    Notification,
    NotificationPublic,
    NotificationState,
)
from models.user import Role, User, UserCreate, UserPublic

__all__ = [
    "ConclusionCreate",
    "ConclusionOutcome",
    "ConclusionPublic",
    "Inspection",
    "InspectionConclusion",
    "InspectionCreate",
    "InspectionKind",
    "InspectionMeasure",
    "InspectionMember",
    "InspectionPublic",
    "MeasureCreate",
    "MeasureKind",
    "MeasurePublic",
    "OPEN_STATUSES",
    "Agency",
    "ApiKey",
    "AgencyCreate",
    "AgencyPublic",
    "AgencyUpdate",
    "CalendarDay",
    "Case",
    "CaseCreate",
    "CaseEvent",
    "CaseFeedback",
    "CaseEventPublic",
    "CaseKind",
    "CasePublic",
    "CaseStatus",
    "Channel",
    "Citizen",
    "CodeCounter",
    "Complexity",
    "DeliveryAttempt",
    "DeliveryAttemptPublic",
    "EscalationStep",
    "Notification",
    "NotificationPublic",
    "NotificationState",
    "Role",
    "User",
    "UserCreate",
    "UserPublic",
    "metadata",
]
