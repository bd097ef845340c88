"""Delivering the outbox: claim due rows, render, send, record every attempt.

Crash safety (see docs/notifications.md): a row is claimed by committing it as `sending`
with a lease (`next_attempt_at` = now + lease) *before* anything is sent, and its outcome
is committed right after the server accepts or refuses it. A deliverer that dies between
the server's "250 OK" and that commit leaves the row `sending`; when the lease runs out
it is sent again (same Message-ID). That window, one commit long, is the only way a
notification can arrive twice; nothing can be lost.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from sqlmodel import Session

from core.settings import Settings
from models import CaseEvent, DeliveryAttempt, Notification, NotificationState
from models.base import UTCDateTime
from notifications import sms
from notifications.render import RenderError, render
from notifications.transport import Outcome, build_message, open_transport


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=6)
    # How long a claimed row stays ours; longer than a batch can take to send.
    lease: timedelta = timedelta(minutes=15)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8 … minutes."""
        return min(self.base_delay * (2 ** max(0, attempts - 1)), self.max_delay)


DEFAULT_POLICY = RetryPolicy()
log = logging.getLogger("dondoc.delivery")


@dataclass
class DeliveryReport:
    transport: str
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    batches: int = 0
    failed_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Claimed:
    """A snapshot of a claimed row, usable after its session is gone."""

    id: int
    key: str
    template: str
    language: str
    context: dict[str, Any]
    recipient: str
    recipient_name: str
    case_id: int | None
    attempts: int
    channel: str = "email"


def claim(*, engine: Engine, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Mark up to `limit` due rows `sending` (ours until now + lease) and commit.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent deliverers take disjoint rows;
    SQLite runs one writer at a time (BEGIN IMMEDIATE).
    """
    due = (
        select(Notification)
        .where(
            Notification.state.in_([NotificationState.pending, NotificationState.sending]),
            Notification.next_attempt_at <= now,
        )
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    )
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.scalars(due).all()
        for row in rows:
            if row.state == NotificationState.sending:
                lost = _attempt(row.id, now, Outcome(False, "lease", response=_LEASE_LOST))
                session.add(DeliveryAttempt(**lost))
            row.state = NotificationState.sending
            row.attempts += 1
            row.next_attempt_at = now + lease
        claimed = [
            Claimed(
                id=row.id,
                key=row.idempotency_key,
                template=row.template,
                language=row.language,
                context=row.context,
                recipient=row.recipient,
                recipient_name=row.recipient_name,
                case_id=row.case_id,
                attempts=row.attempts,
                channel=row.channel,
            )
            for row in rows
        ]
        session.commit()
    return claimed


_LEASE_LOST = "the previous attempt was cut off (lease expired); outcome unknown, sending again"


def _attempt(notification_id: int, now: datetime, outcome: Outcome) -> dict[str, Any]:
    return {
        "notification_id": notification_id,
        "at": now,
        "ok": outcome.ok,
        "transport": outcome.transport,
        "smtp_code": outcome.smtp_code,
        "response": (outcome.response or "")[:2000] or None,
    }


def _case_event(item: Claimed, now: datetime, action: str, error: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "template": item.template,
        "recipient": item.recipient,
        "notification_id": item.id,
    }
    if error:
        data["error"] = error
    case = item.context.get("case")
    agency_id = case.get("agency_id") if isinstance(case, dict) else None
    return {
        "case_id": item.case_id,
        "at": now,
        "actor_id": None,
        "action": action,
        "from_status": None,
        "to_status": None,
        "agency_id": agency_id,
        "data": data,
    }


_INSERT_ATTEMPT = insert(DeliveryAttempt.__table__)
_INSERT_EVENT = insert(CaseEvent.__table__)
# One statement for every outcome, built once (building it per message cost a tenth of the
# time per message): a value left None keeps the column as it is, except the error.
_OUTCOME = (
    update(Notification)
    .where(Notification.id == bindparam("b_id"), Notification.state == NotificationState.sending)
    .values(
        state=bindparam("b_state"),
        sent_at=func.coalesce(bindparam("b_sent_at", type_=UTCDateTime()), Notification.sent_at),
        next_attempt_at=func.coalesce(
            bindparam("b_next_attempt_at", type_=UTCDateTime()), Notification.next_attempt_at
        ),
        last_error=bindparam("b_last_error"),
    )
)


def record(
    *, conn: Connection, item: Claimed, outcome: Outcome, now: datetime, policy: RetryPolicy
) -> NotificationState:
    """Commit the outcome of one attempt: sent, pending again after a backoff, or failed.

    Core statements on the batch's connection: this runs once per message, between sends.
    """
    sent_at = next_attempt_at = error = None
    if outcome.ok:
        state, sent_at = NotificationState.sent, now
    elif outcome.permanent or item.attempts >= policy.max_attempts:
        state, error = NotificationState.failed, _error_text(outcome)
    else:
        state, error = NotificationState.pending, _error_text(outcome)
        next_attempt_at = now + policy.delay(item.attempts)
    try:
        conn.execute(
            _OUTCOME,
            {"b_id": item.id, "b_state": state, "b_sent_at": sent_at,
             "b_next_attempt_at": next_attempt_at, "b_last_error": error},
        )  # fmt: skip
        conn.execute(_INSERT_ATTEMPT, _attempt(item.id, now, outcome))
        if item.case_id is not None and state != NotificationState.pending:
            action = "notification_sent" if outcome.ok else "notification_failed"
            error = None if outcome.ok else _error_text(outcome)
            conn.execute(_INSERT_EVENT, _case_event(item, now, action, error))
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return state


def _error_text(outcome: Outcome) -> str:
    if outcome.smtp_code is not None:
        return f"{outcome.smtp_code} {outcome.response or ''}".strip()
    return outcome.response or "unknown error"


def deliver_due(
    *,
    engine: Engine,
    settings: Settings,
    now: datetime,
    batch_size: int = 100,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> DeliveryReport:
    """Send every notification due at `now`, one SMTP connection per batch."""
    transport_name = "smtp" if settings.smtp_configured else "mail_dir"
    report = DeliveryReport(transport=transport_name)
    while batch := claim(engine=engine, now=now, limit=batch_size, lease=policy.lease):
        report.batches += 1
        _deliver_batch(
            batch, engine=engine, settings=settings, now=now, policy=policy, report=report
        )
    return report


def _deliver_batch(
    batch: list[Claimed],
    *,
    engine: Engine,
    settings: Settings,
    now: datetime,
    policy: RetryPolicy,
    report: DeliveryReport,
) -> None:
    lost: Outcome | None = None
    held = 0
    gateway = (
        sms.Gateway(
            settings.sms_url, settings.sms_user, settings.sms_password, settings.sms_template
        )
        if settings.sms_configured
        else None
    )
    with (
        engine.connect() as conn,
        open_transport(settings) as transport,
        sms.SmsTransport(gateway) as texts,
    ):
        for item in batch:
            if item.channel == "sms":  # its own gateway: a broken SMTP link does not stop it
                outcome = texts.send(
                    notice=item.template,
                    context=item.context,
                    recipient=item.recipient,
                    key=item.key,
                )
            elif lost is None:
                outcome = _send_one(item, transport=transport, settings=settings, now=now)
                if not outcome.ok:
                    log.warning(
                        "notification %d not sent (attempt %d, %s): %s",
                        item.id, item.attempts, outcome.transport, _error_text(outcome),
                    )  # fmt: skip
                if outcome.connection_lost:
                    lost = outcome
            else:
                # The connection broke earlier in this batch: the rest wait for the next round.
                outcome, held = lost, held + 1
            state = record(conn=conn, item=item, outcome=outcome, now=now, policy=policy)
            if state == NotificationState.sent:
                report.sent += 1
            elif state == NotificationState.failed:
                report.failed += 1
                report.failed_ids.append(item.id)
            else:
                report.retrying += 1
    if held:
        log.warning("%d more notifications wait for the next round (same error)", held)


def _send_one(item: Claimed, *, transport, settings: Settings, now: datetime) -> Outcome:
    try:
        email = render(
            template=item.template,
            context=item.context,
            recipient_name=item.recipient_name,
            language=item.language,
        )
    except RenderError as exc:
        return Outcome(False, "render", response=str(exc), permanent=True)
    message = build_message(
        email=email,
        notification_id=item.id,
        key=item.key,
        recipient=item.recipient,
        recipient_name=item.recipient_name,
        mail_from=settings.mail_from,
        now=now,
    )
    return transport.send(message, notification_id=item.id)
