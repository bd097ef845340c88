"""Month rollups kept by database triggers: each agency's period figures (migration 0025) and
the country's open cases (0026).

The summary report reads whole months from here instead of counting millions of index entries
(docs/reports.md, "Month rollups"). Every insert, update and delete of `cases` and
`case_events` changes the rows of the months it touches in the same transaction, whoever
writes (the API, the sweep's COPY, an import, SQL by hand), so the figures here always equal
a count over the tables.
"""

from datetime import date

from sqlmodel import Field, SQLModel


class ReportMonth(SQLModel, table=True):
    __tablename__ = "report_months"

    # No foreign key: agencies are never deleted (they are dissolved), and a key check on
    # every trigger write would cost each intake an extra index probe.
    agency_id: int = Field(primary_key=True)
    month: date = Field(primary_key=True)  # the first local day of the month
    received: int = 0  # cases received in the month, by the case's current agency
    resolved: int = 0
    resolved_on_time: int = 0
    transfers: int = 0  # "transfer" events, by the event's agency
    escalations: int = 0  # escalation-ladder events ("escalat…")


class ReportOpenMonth(SQLModel, table=True):
    """The country's open cases per shard and local month, kept by triggers (migration 0026):
    `open`, `ping_pong` and `escalated` by the month the cases were received, `running_due`
    (received or accepted, with a due date) by the month they fall due."""

    __tablename__ = "report_open_months"

    # The agency id modulo 16: one row per month for the whole country would make each
    # intake wait for the one before it to commit.
    shard: int = Field(primary_key=True)
    month: date = Field(primary_key=True)
    open: int = 0
    ping_pong: int = 0
    escalated: int = 0
    running_due: int = 0
