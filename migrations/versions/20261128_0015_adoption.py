"""adoption: the register's reference of imported cases, attachments and their bytes

Revision ID: 0015_adoption
Revises: 0013_law
Create Date: 2026-11-28 11:00:00

`cases.source_ref` is the reference a desk's register gave a case brought over by
`dondoc import`; its unique index makes a rerun skip what was imported before.
`attachments` lists the files kept with a case or an inspection meeting; `attachment_blobs`
holds their bytes by content hash when the database is the storage (scale-out).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0015_adoption"
down_revision: str | Sequence[str] | None = "0013_law"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("source_ref", sa.String(length=128), nullable=True))
    op.create_index("ix_cases_source_ref", "cases", ["source_ref"], unique=True)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(case_id IS NULL) <> (inspection_id IS NULL)",
            name=op.f("ck_attachments_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_attachments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_attachments_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_attachments_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_case_id", "attachments", ["case_id"])
    op.create_index("ix_attachments_inspection_id", "attachments", ["inspection_id"])
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"])
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )


def downgrade() -> None:
    op.drop_table("attachment_blobs")
    op.drop_index("ix_attachments_sha256", table_name="attachments")
    op.drop_index("ix_attachments_inspection_id", table_name="attachments")
    op.drop_index("ix_attachments_case_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_cases_source_ref", table_name="cases")
    op.drop_column("cases", "source_ref")
