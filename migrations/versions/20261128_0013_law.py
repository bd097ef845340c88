"""the law, closer: calendar sources, procedures, second complaints, limits, notices

Revision ID: 0013_law
Revises: 0011_security
Create Date: 2026-11-28 11:00:00

- calendar_days.source: the text that announced an added day off or worked day.
- procedures: the province's published list of procedures (loaded from CSV).
- cases: procedure_code and processing_days (a dossier's procedure sets its deadline),
  promised_at (the date promised to the citizen), instance and first_case_id (second
  complaints), filed_after_window (Art. 33), completion_requests (at most one for dossiers).
- case_notices: the notices the law requires, each a due step on its case.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0013_law"
down_revision: str | Sequence[str] | None = "0011_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CASE_COLUMNS = (
    ("procedure_code", lambda: sa.Column("procedure_code", sa.String(length=64), nullable=True)),
    ("processing_days", lambda: sa.Column("processing_days", sa.Integer(), nullable=True)),
    ("promised_at", lambda: sa.Column("promised_at", sa.DateTime(timezone=True), nullable=True)),
    (
        "instance",
        lambda: sa.Column("instance", sa.Integer(), nullable=False, server_default="1"),
    ),
    ("first_case_id", lambda: sa.Column("first_case_id", sa.Integer(), nullable=True)),
    (
        "filed_after_window",
        lambda: sa.Column(
            "filed_after_window", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    ),
    (
        "completion_requests",
        lambda: sa.Column("completion_requests", sa.Integer(), nullable=False, server_default="0"),
    ),
)


def upgrade() -> None:
    with op.batch_alter_table("calendar_days") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=500), nullable=False, server_default="")
        )
    op.create_table(
        "procedures",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("processing_days", sa.Integer(), nullable=False),
        sa.Column("remote_extra_days", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_procedures")),
    )
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy of `cases` would drop the table
    # the events and notifications refer to.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, column in CASE_COLUMNS:
        if name == "first_case_id" and sqlite:  # SQLite adds a reference only inline
            op.execute(
                "ALTER TABLE cases ADD COLUMN first_case_id INTEGER "
                "CONSTRAINT fk_cases_first_case_id_cases REFERENCES cases (id)"
            )
        else:
            op.add_column("cases", column())
    if not sqlite:
        op.create_foreign_key(
            "fk_cases_first_case_id_cases", "cases", "cases", ["first_case_id"], ["id"]
        )
    op.create_index("ix_cases_first_case_id", "cases", ["first_case_id"], unique=False)
    op.create_table(
        "case_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_notices_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_case_notices_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notices")),
    )
    op.create_index("ix_case_notices_case_id", "case_notices", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_notices_case_id", table_name="case_notices")
    op.drop_table("case_notices")
    op.drop_index("ix_cases_first_case_id", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_first_case_id_cases", type_="foreignkey")
        for name, _column in reversed(CASE_COLUMNS):
            batch.drop_column(name)
    op.drop_table("procedures")
    with op.batch_alter_table("calendar_days") as batch:
        batch.drop_column("source")
