"""Attaching files to cases and inspection meetings, listing them, reading one.

Scoped like the case: whoever may not read the case gets a NotFound, as for the case itself.
A denunciation's files name the denouncer (the letter above all): they are listed and read
only by those who may see the denouncer's identity (DESIGN.md "Access", Luật Tố cáo 2018
Art. 47), and each reading is an event on the case. Anyone in the case's scope may add a
file (adding shows nothing).
"""

import posixpath
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from core.errors import DomainError, Invalid, NotFound
from models import (
    Attachment,
    AttachmentKind,
    Case,
    CaseEvent,
    CaseKind,
    Inspection,
    Role,
    User,
)
from workflows.attachments.storage import Storage
from workflows.attachments.types import ALLOWED, content_type
from workflows.cases import access
from workflows.cases.confidentiality import may_see_identity
from workflows.inspections import service as inspections

STAFF = (Role.clerk, Role.officer, Role.head, Role.admin, Role.inspector)


class TooLarge(DomainError):
    status_code = 413


class StorageFull(DomainError):
    """The disk that holds uploads is full: nothing was stored; try again once it has room."""

    status_code = 507


class UnsupportedType(DomainError):
    status_code = 415


@dataclass(frozen=True)
class Upload:
    """A file received and spooled to `path`, with its size and hash."""

    path: Path
    size: int
    sha256: str
    filename: str


def clean_filename(name: str) -> str:
    """The file's own name, without any folder a browser sent along; at most 255 characters."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    if "\x00" in base:
        raise Invalid("the file name may not contain the NUL character")
    return (base or "tep-dinh-kem")[-255:]


def attach_to_case(
    *, session: Session, case: Case, kind: AttachmentKind, upload: Upload, actor: User,
    now: datetime, storage: Storage,
) -> Attachment:  # fmt: skip
    """Keep `upload` with `case` (the caller checked the case is in the actor's scope)."""
    if actor.role not in STAFF:
        raise NotFound(f"case {case.id} not found")
    attachment = _store(
        session=session, upload=upload, kind=kind, actor=actor, now=now, storage=storage,
        case_id=case.id,
    )  # fmt: skip
    data = {"attachment_id": attachment.id, "kind": str(kind), "size": upload.size}
    if case.kind != CaseKind.denunciation:
        data["filename"] = attachment.filename  # a denouncer's letter may carry their name
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor_id=actor.id,
            action="attachment_added",
            from_status=case.status,
            to_status=case.status,
            agency_id=case.agency_id,
            data=data,
        )  # fmt: skip
    )
    session.flush()
    return attachment


def attach_to_inspection(
    *, session: Session, inspection: Inspection, upload: Upload, actor: User, now: datetime,
    storage: Storage,
) -> Attachment:  # fmt: skip
    """Keep the minutes of an inspection meeting: its members and administrators."""
    _inspection_reader(session=session, inspection=inspection, user=actor)
    return _store(
        session=session, upload=upload, kind=AttachmentKind.minutes, actor=actor, now=now,
        storage=storage, inspection_id=inspection.id,
    )  # fmt: skip


def case_attachments(*, session: Session, case: Case, user: User) -> list[Attachment]:
    """The files of a case the user may read (NotFound for a denunciation's files otherwise)."""
    _check_identity(session=session, case=case, user=user)
    statement = select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    return list(session.exec(statement))


def inspection_attachments(
    *, session: Session, inspection: Inspection, user: User
) -> list[Attachment]:
    _inspection_reader(session=session, inspection=inspection, user=user)
    statement = select(Attachment).where(Attachment.inspection_id == inspection.id)
    return list(session.exec(statement.order_by(Attachment.id)))


def readable(*, session: Session, attachment_id: int, user: User, now: datetime) -> Attachment:
    """The attachment if `user` may read it (NotFound otherwise); reading a denunciation's
    file is recorded on the case."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} not found")
    try:
        if attachment.inspection_id is not None:
            inspection = inspections.get(session=session, inspection_id=attachment.inspection_id)
            _inspection_reader(session=session, inspection=inspection, user=user)
            return attachment
        case = access.get_visible(session=session, case_id=attachment.case_id, user=user)
        _check_identity(session=session, case=case, user=user)
    except NotFound:
        raise NotFound(f"attachment {attachment_id} not found") from None
    if case.kind == CaseKind.denunciation:
        session.add(
            CaseEvent(
                case_id=case.id,
                at=now,
                actor_id=user.id,
                action="attachment_read",
                from_status=case.status,
                to_status=case.status,
                agency_id=case.agency_id,
                data={"attachment_id": attachment.id, "kind": attachment.kind},
            )  # fmt: skip
        )
        session.flush()
    return attachment


def _check_identity(*, session: Session, case: Case, user: User) -> None:
    if not may_see_identity(session=session, case=case, viewer=user):
        raise NotFound(f"case {case.id} not found")


def _inspection_reader(*, session: Session, inspection: Inspection, user: User) -> None:
    if user.role != Role.admin and not inspections.is_member(
        session=session, inspection=inspection, user=user
    ):
        raise NotFound(f"inspection {inspection.id} not found")


def _store(*, session, upload, kind, actor, now, storage, **owner) -> Attachment:
    found = content_type(upload.path)
    if found is None or found not in ALLOWED:
        raise UnsupportedType(
            "the file is not one of the allowed types (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT): "
            "its content was checked, not its name",
            code="upload.unsupported",
        )
    storage.put(session=session, sha256=upload.sha256, source=upload.path)
    attachment = Attachment(
        kind=kind, filename=clean_filename(upload.filename), size=upload.size,
        content_type=found, sha256=upload.sha256, uploaded_by_id=actor.id, uploaded_at=now,
        **owner,
    )  # fmt: skip
    session.add(attachment)
    session.flush()
    return attachment
