"""What the readiness check reports: the scheduler's last runs and the outbox's backlog.

Read by /readyz (a load balancer, a monitor) and the admin's dashboard; written by the
sweep and delivery flows after each successful run.
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Agency,
    AgencyMailbox,
    DeliveryAttempt,
    JobRun,
    Notification,
    NotificationState,
)

SWEEP = "escalation-sweep"
DELIVERY = "deliver-notifications"
MAILBOXES = "fetch-mailboxes"
WAITING = (NotificationState.pending, NotificationState.sending)

# The last delivery error, by kind: what an operator has to fix (the text itself, which
# may name internal hosts, is shown to admins only).
_KINDS = (
    ("authentication", ("535", "534", "530", "authentication", "auth ")),
    ("tls_certificate", ("certificate", "ssl", "tls")),
    ("disk_full", ("no space left", "errno 28", "disk quota")),
    ("smtp_unreachable", ("cannot connect", "connection refused", "timed out", "errno 111")),
    ("recipient_refused", ("550", "551", "553", "554", "5.1.1")),
)


def error_kind(text: str | None) -> str | None:
    if not text:
        return None
    lowered = text.lower()
    for kind, marks in _KINDS:
        if any(mark in lowered for mark in marks):
            return kind
    return "other"


def record_run(*, session: Session, job: str, summary: str, now: datetime) -> None:
    """Note that `job` finished at `now` (the caller commits)."""
    run = session.get(JobRun, job) or JobRun(job=job, finished_at=now)
    run.finished_at, run.summary = now, summary[:500]
    session.add(run)


@dataclass(frozen=True)
class Readiness:
    last_sweep_at: datetime | None
    last_sweep: str | None
    last_delivery_at: datetime | None
    waiting: int  # outbox rows not yet sent (pending, or claimed and sending)
    oldest_waiting_at: datetime | None  # when the oldest of them was written
    failed: int  # gave up after the last attempt; an admin can retry them
    last_error: str | None  # the latest failed attempt of a row not sent since
    last_error_at: datetime | None
    last_error_kind: str | None

    def public(self, now: datetime) -> dict[str, Any]:
        """The JSON for /readyz: no error text (it may name internal hosts)."""
        values = asdict(self)
        values.pop("last_error")
        values["sweep_age_seconds"] = _age(self.last_sweep_at, now)
        values["oldest_waiting_age_seconds"] = _age(self.oldest_waiting_at, now)
        return values


def _age(instant: datetime | None, now: datetime) -> int | None:
    return None if instant is None else max(0, int((now - instant).total_seconds()))


def readiness(*, session: Session) -> Readiness:
    runs = {run.job: run for run in session.scalars(select(JobRun))}
    waiting, oldest = session.execute(
        select(func.count(), func.min(Notification.created_at)).where(
            Notification.state.in_(WAITING)
        )
    ).one()
    failed = session.execute(
        select(func.count()).where(Notification.state == NotificationState.failed)
    ).scalar_one()
    last = session.execute(
        select(DeliveryAttempt.response, DeliveryAttempt.at)
        .join(Notification, Notification.id == DeliveryAttempt.notification_id)
        .where(DeliveryAttempt.ok.is_(False), Notification.state != NotificationState.sent)
        .order_by(DeliveryAttempt.id.desc())
        .limit(1)
    ).first()
    sweep, delivery = runs.get(SWEEP), runs.get(DELIVERY)
    return Readiness(
        last_sweep_at=sweep.finished_at if sweep else None,
        last_sweep=sweep.summary if sweep else None,
        last_delivery_at=delivery.finished_at if delivery else None,
        waiting=waiting,
        oldest_waiting_at=oldest,
        failed=failed,
        last_error=last.response if last else None,
        last_error_at=last.at if last else None,
        last_error_kind=error_kind(last.response) if last else None,
    )


@dataclass(frozen=True)
class MailboxProblem:
    agency: str
    error: str  # shown to admins only (it may name internal hosts)
    at: datetime | None


@dataclass(frozen=True)
class MailIntake:
    """The feedback mailboxes' fetch, for the admin's health panel."""

    last_fetch_at: datetime | None
    last_fetch: str | None
    problems: list[MailboxProblem]


def mail_intake(*, session: Session) -> MailIntake:
    run = session.get(JobRun, MAILBOXES)
    rows = session.execute(
        select(Agency.name, AgencyMailbox.last_error, AgencyMailbox.last_error_at)
        .join(Agency, Agency.id == AgencyMailbox.agency_id)
        .where(AgencyMailbox.enabled, AgencyMailbox.last_error.is_not(None))
        .order_by(Agency.name)
    ).all()
    return MailIntake(
        last_fetch_at=run.finished_at if run else None,
        last_fetch=run.summary if run else None,
        problems=[MailboxProblem(agency=r[0], error=r[1], at=r[2]) for r in rows],
    )
