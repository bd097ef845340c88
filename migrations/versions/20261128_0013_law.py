"""the law, closer: calendar sources, procedures, second complaints, limits, notices

Revision ID: 0013_law
Revises: 0010_phone_digits
Create Date: 2026-11-28 11:00:00

- calendar_days.source: the text that announced an added day off or worked day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_law"
down_revision: str | Sequence[str] | None = "0010_phone_digits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_days") as batch:
        batch.add_column(sa.Column("source", sa.String(length=500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("calendar_days") as batch:
        batch.drop_column("source")
