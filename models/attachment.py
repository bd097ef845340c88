"""Files kept with a case or an inspection meeting, and their bytes when the database holds them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, String
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime


class AttachmentKind(StrEnum):
    letter = "letter"  # đơn của công dân
    document = "document"  # tài liệu, hồ sơ
    answer = "answer"  # văn bản trả lời
    minutes = "minutes"  # biên bản
    other = "other"


class AttachmentPublic(SQLModel):
    id: int
    case_id: int | None
    inspection_id: int | None
    kind: AttachmentKind
    filename: str
    size: int
    content_type: str
    sha256: str
    uploaded_at: datetime
    uploaded_by_id: int | None


class Attachment(SQLModel, table=True):
    """One file attached to a case or to an inspection meeting (never both)."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(case_id IS NULL) <> (inspection_id IS NULL)", name="one_owner"),
        Index("ix_attachments_sha256", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    inspection_id: int | None = Field(default=None, foreign_key="inspections.id", index=True)
    kind: AttachmentKind = Field(sa_type=String(16))
    filename: str = Field(max_length=255)
    size: int
    content_type: str = Field(max_length=128)
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id")
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class AttachmentBlob(SQLModel, table=True):
    """A file's bytes by content hash, for the database storage (every server process reaches
    it: the scale-out choice when the processes share no directory)."""

    __tablename__ = "attachment_blobs"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_type=LargeBinary)
