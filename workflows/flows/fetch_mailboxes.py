"""Prefect flow `fetch_mailboxes`: each agency's feedback mailbox into its inbox.

Why a flow: it runs on the sweep's interval, from APScheduler in `dondoc serve` (the process
holding the schedule's lease) or as a Prefect deployment. A mailbox that cannot be read (the
server down, the login refused, a password the secret key no longer opens) is noted on that
mailbox and in the run's summary for the health panel; the other mailboxes are still read
and the flow does not fail. The reading itself is workflows/channels/imap.py.
"""

from datetime import UTC, datetime

from prefect import flow, task

from models import AgencyMailbox
from models.db import session_scope
from workflows.channels import imap
from workflows.channels import mailbox as mailboxes
from workflows.flows import edge
from workflows.health import MAILBOXES, record_run


@task
def fetch_one(agency_id: int, now: datetime) -> dict:
    settings = edge.settings()
    with session_scope(edge.engine()) as session:
        box = session.get(AgencyMailbox, agency_id)
        if box is None:  # removed since the run began
            return {"new": 0, "known": 0, "error": None}
        token = box.password_encrypted
    try:
        password = mailboxes.decrypt(token, secret=settings.secret_key)
    except mailboxes.PasswordUnreadable as error:
        report = imap.FetchReport(error=str(error))
    else:
        report = imap.fetch(
            engine=edge.engine(), agency_id=agency_id, password=password,
            storage=edge.storage(), max_bytes=settings.attachment_max_mb * 1024 * 1024, now=now,
        )  # fmt: skip
    with session_scope(edge.engine()) as session:
        box = session.get(AgencyMailbox, agency_id)
        if box is None:
            return {"new": report.new, "known": report.known, "error": report.error}
        finished = datetime.now(UTC)
        box.last_fetch_at = finished
        if report.error:
            box.last_error, box.last_error_at = report.error, finished
        else:
            box.last_error = box.last_error_at = None
        session.add(box)
    return {"new": report.new, "known": report.known, "error": report.error}


@flow(name="fetch-mailboxes")
def fetch_mailboxes(now: datetime | None = None) -> dict[str, int]:
    """Fetch every enabled mailbox; counts of new items, known messages, failed mailboxes."""
    now = now or datetime.now(UTC)
    with session_scope(edge.engine()) as session:
        ids = [box.agency_id for box in mailboxes.enabled(session=session)]
    total = {"mailboxes": len(ids), "new": 0, "known": 0, "failed": 0}
    for agency_id in ids:
        result = fetch_one(agency_id, now)
        total["new"] += result["new"]
        total["known"] += result["known"]
        total["failed"] += 1 if result["error"] else 0
    summary = (
        f"{total['mailboxes']} mailboxes, {total['new']} new messages, "
        f"{total['failed']} could not be read"
    )
    with session_scope(edge.engine()) as session:
        record_run(session=session, job=MAILBOXES, summary=summary, now=datetime.now(UTC))
    return total


def run_fetch(now: datetime | None = None) -> dict[str, int]:
    """The embedded scheduler's job and `dondoc fetch-mail`: one run in this process."""
    with edge.in_process_runs():
        return fetch_mailboxes(now=now)
