"""Agencies' feedback mailboxes (IMAP) and the inbox of fetched messages awaiting triage

Revision ID: 0020_mailboxes
Revises: 0019_channels
Create Date: 2026-11-28 14:00:00

One mailbox per agency (its password encrypted, never stored in clear); one inbox item per
(agency, Message-ID), so a message fetched twice never makes two items.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0020_mailboxes"
down_revision: str | Sequence[str] | None = "0019_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Instant = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agency_mailboxes",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(length=16), nullable=False),
        sa.Column("login", sa.String(length=255), nullable=False),
        sa.Column("password_encrypted", sa.String(length=2000), nullable=False),
        sa.Column("folder", sa.String(length=255), nullable=False),
        sa.Column("acknowledge", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.Column("last_fetch_at", Instant, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("last_error_at", Instant, nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_mailboxes_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agency_mailboxes")),
    )
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("sender_email", sa.String(length=255), nullable=False),
        sa.Column("sender_name", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("sent_at", Instant, nullable=True),
        sa.Column("received_at", Instant, nullable=False),
        sa.Column("fetched_at", Instant, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", Instant, nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_inbox_items_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_inbox_items_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_inbox_items_handled_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint("agency_id", "message_id", name=op.f("uq_inbox_items_agency_id_message_id")),
    )
    op.create_index(op.f("ix_inbox_items_agency_id"), "inbox_items", ["agency_id"], unique=False)
    op.create_index(op.f("ix_inbox_items_state"), "inbox_items", ["state"], unique=False)
    op.create_table(
        "inbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("refused", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbox_items.id"], name=op.f("fk_inbox_attachments_item_id_inbox_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_attachments")),
    )
    op.create_index(
        op.f("ix_inbox_attachments_item_id"), "inbox_attachments", ["item_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("inbox_attachments")
    op.drop_index("ix_inbox_items_state", table_name="inbox_items")
    op.drop_index("ix_inbox_items_agency_id", table_name="inbox_items")
    op.drop_table("inbox_items")
    op.drop_table("agency_mailboxes")
