"""Each agency's period figures per local month, kept by database triggers (migration 0025).

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
