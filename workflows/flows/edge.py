"""What the flows read at their edge, and only they: the settings and the engine they name,
and how the in-process flow runs are set up.

Everything below the flows (workflows/<domain>, notifications, models) is handed these values
as parameters (DESIGN.md "Time"; docs/architecture.md).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    temporary_settings,
)
from sqlalchemy import Engine

from core.settings import Settings, get_settings
from models.db import engine_for
from workflows.attachments.storage import Storage, make_storage


def settings() -> Settings:
    """The process's settings (DONDOC_* environment variables)."""
    return get_settings()


def engine() -> Engine:
    """The engine of DONDOC_DATABASE_URL, one per process."""
    return engine_for(get_settings().database_url)


def storage() -> Storage:
    """Where attachments' bytes live (DONDOC_ATTACHMENT_STORAGE, DONDOC_ATTACHMENT_DIR)."""
    current = get_settings()
    return make_storage(kind=current.attachment_storage, directory=current.attachment_dir)


@contextmanager
def in_process_runs() -> Iterator[None]:
    """Around flows called in this process (the embedded scheduler, `dondoc sweep`).

    Embedded (no PREFECT_API_URL): flow-run heartbeats off. No server acts on them there, and
    prefect 3.8.8 joins the heartbeat thread, which sleeps in one-second steps, at the end of
    every run: about 1 s of a 1.1 s run (TECH-NOTES.md). With a Prefect server (scale-out)
    they stay on: the server detects crashed runs by them. A temporary setting is a context
    variable, which does not cross into another thread: enter this inside each job.
    """
    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
