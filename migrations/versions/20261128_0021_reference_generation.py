"""reference generation: per-process caches of the agency tree and the calendar days

Revision ID: 0021_reference_generation
Revises: 0020_mailboxes
Create Date: 2026-11-28 14:20:00

One row whose value triggers set (or insert, after a wipe) to a new random number in the same transaction as any
insert, update or delete of `agencies` or `calendar_days`, whoever writes it (the API, an
import, SQL by hand). A server process caches those tables with the generation it read them
at and reads them again when the row holds another value (workflows/reference.py). Random,
not a counter: a rolled-back change's number is never handed out again, so no process can
keep a copy of an uncommitted state under a number a later commit reuses.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021_reference_generation"
down_revision: str | Sequence[str] | None = "0020_mailboxes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("agencies", "calendar_days")


def upgrade() -> None:
    op.create_table(
        "reference_generation",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_generation")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    value = "floor(random() * 9007199254740991)::bigint + 2" if postgres else "abs(random() / 2) + 2"
    # Random from the start too: two databases served by one process never share a number.
    op.execute(f"INSERT INTO reference_generation (name, value) VALUES ('reference', {value})")
    if postgres:
        op.execute(
            "CREATE FUNCTION bump_reference_generation() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO reference_generation (name, value) "
            f"VALUES ('reference', {value}) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_reference_generation "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_generation()"
            )
        return
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_reference_generation_{event.lower()} "
                f"AFTER {event} ON {table} FOR EACH ROW BEGIN "
                "INSERT OR REPLACE INTO reference_generation (name, value) "
                f"VALUES ('reference', {value}); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_reference_generation ON {table}")
        op.execute("DROP FUNCTION bump_reference_generation()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_reference_generation_{event}")
    op.drop_table("reference_generation")
