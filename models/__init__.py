"""SQLModel tables and their API shapes; nothing else lives here."""

from models.agency import Agency, AgencyCreate, AgencyPublic, AgencyUpdate
from models.api_key import ApiKey
from models.attachment import Attachment, AttachmentBlob, AttachmentKind, AttachmentPublic
from models.base import metadata
from models.calendar import CalendarDay
from models.case import (
    OPEN_PREDICATE,
    OPEN_STATUSES,
    RUNNING_DUE_PREDICATE,
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
from models.case_schedule import CaseSchedule
from models.escalation import EscalationStep
from models.feedback import CaseFeedback
from models.form_token import FormToken
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
from models.job_run import JobRun
from models.mailbox import (
    AgencyMailbox,
    InboxAttachment,
    InboxItem,
    InboxState,
    MailboxPublic,
    MailboxSecurity,
    MailboxUpdate,
)
from models.notice import CaseNotice, CaseNoticePublic
from models.notification import (
    DeliveryAttempt,
    DeliveryAttemptPublic,
    Notification,
    NotificationPublic,
    NotificationState,
)
from models.procedure import Procedure, ProcedurePublic
from models.reference import ReferenceGeneration
from models.report_month import ReportMonth, ReportOpenMonth
from models.scheduler import SchedulerLease
from models.security import SecurityEvent, ThrottleCounter, UserSession
from models.user import Role, User, UserCreate, UserPublic, UserUpdate

__all__ = [
    "JobRun",
    "AgencyMailbox",
    "InboxAttachment",
    "InboxItem",
    "InboxState",
    "MailboxPublic",
    "MailboxSecurity",
    "MailboxUpdate",
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
    "OPEN_PREDICATE",
    "OPEN_STATUSES",
    "RUNNING_DUE_PREDICATE",
    "Agency",
    "Attachment",
    "AttachmentBlob",
    "AttachmentKind",
    "AttachmentPublic",
    "ApiKey",
    "FormToken",
    "AgencyCreate",
    "AgencyPublic",
    "AgencyUpdate",
    "CalendarDay",
    "Case",
    "CaseSchedule",
    "CaseCreate",
    "CaseEvent",
    "CaseFeedback",
    "CaseEventPublic",
    "CaseKind",
    "CaseNotice",
    "CaseNoticePublic",
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
    "Procedure",
    "ProcedurePublic",
    "Role",
    "ReferenceGeneration",
    "ReportMonth",
    "ReportOpenMonth",
    "SchedulerLease",
    "SecurityEvent",
    "ThrottleCounter",
    "User",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
    "UserSession",
    "metadata",
]
