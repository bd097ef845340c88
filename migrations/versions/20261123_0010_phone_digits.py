"""duplicate hint by index: cases by the digits of the citizen's phone

Revision ID: 0010_phone_digits
Revises: 0009_report_speed
Create Date: 2026-11-23 06:00:00

Intake looks for open cases of the same citizen by `phone_digits` (the phone number without
spaces or dots), and so does the intake page as the clerk types; without an index each look-up
read every case. The index on `citizen_phone` (as typed) served no query and is dropped.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_phone_digits"
down_revision: str | Sequence[str] | None = "0009_report_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_cases_phone_digits", "cases", ["phone_digits"], unique=False)
    op.drop_index("ix_cases_citizen_phone", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_citizen_phone", "cases", ["citizen_phone"], unique=False)
    op.drop_index("ix_cases_phone_digits", table_name="cases")
