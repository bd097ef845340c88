"""Prefect flow `daily_digest`: each head's morning mail on the cases below them.

Why a flow: it runs once a day at 07:30 Hà Nội time (APScheduler or a Prefect deployment);
on days off it writes nothing. The logic lives in workflows/escalation/digest.py.
"""

from datetime import UTC, datetime

from prefect import flow, task

from models.db import session_scope
from workflows.escalation.digest import write_digests
from workflows.flows import edge


@task(retries=2, retry_delay_seconds=[5, 15])
def write_digest_mails(as_of: datetime) -> int:
    with session_scope(edge.engine()) as session:
        return write_digests(session=session, as_of=as_of, base_url=edge.settings().base_url)


@flow(name="daily-digest")
def daily_digest(as_of: datetime | None = None) -> int:
    """Queue today's digests; returns how many were written (0 on a rerun or a day off)."""
    return write_digest_mails(as_of or datetime.now(UTC))
