"""The inbox of an agency's feedback mailbox: a fetched message becomes an item (not yet a
case), and a clerk triages it: a new case, added to an existing case, or discarded.

One item per (agency, Message-ID): a message fetched again (after a crash between the commit
and marking it seen on the server) finds its item and writes nothing. Its files are stored as
a case's files are (by SHA-256, the type by content); one over the size limit or of a type
that is not allowed is kept out with a note. The sender's acknowledgement, when the mailbox
asks for one, is written to the outbox in the item's transaction, keyed by the item.

Items are read and triaged by the clerks, officers and heads of the mailbox's agency only;
anyone else is told there is no such item. Once an item became a denunciation, its sender
(the denouncer) and text are shown only to those who may see the denouncer's identity.
"""

import hashlib
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import Conflict, Invalid, NotFound
from models import (
    Agency,
    Attachment,
    AttachmentKind,
    Case,
    CaseCreate,
    CaseEvent,
    Channel,
    InboxAttachment,
    InboxItem,
    InboxState,
    Role,
    User,
)
from notifications.outbox import enqueue
from workflows.attachments.service import clean_filename
from workflows.attachments.storage import Storage, remove_spooled
from workflows.attachments.types import ALLOWED, content_type
from workflows.cases import access, intake
from workflows.cases.confidentiality import may_see_identity

TRIAGE_ROLES = (Role.clerk, Role.officer, Role.head)
TOO_LARGE, NOT_ALLOWED = "too_large", "type"


@dataclass(frozen=True)
class MailFile:
    filename: str
    content_type: str  # as the sender's program declared it
    data: bytes


@dataclass
class Message:
    """A message as read from the server, decoded (workflows/channels/imap.py)."""

    message_id: str
    sender_email: str
    sender_name: str
    subject: str
    text: str
    sent_at: datetime | None
    received_at: datetime
    files: list[MailFile] = field(default_factory=list)
    automatic: bool = False  # an auto-reply, a list or bulk mail: never acknowledged


def exists(*, session: Session, agency_id: int, message_id: str) -> bool:
    statement = select(InboxItem.id).where(
        InboxItem.agency_id == agency_id, InboxItem.message_id == message_id
    )
    return session.exec(statement).first() is not None


def record(
    *, session: Session, agency: Agency, message: Message, now: datetime, storage: Storage,
    max_bytes: int, acknowledge: bool, mailbox_address: str = "",
) -> InboxItem | None:  # fmt: skip
    """Keep `message` as an item of `agency`'s inbox (the caller commits); None when an item
    with its Message-ID exists already."""
    if exists(session=session, agency_id=agency.id, message_id=message.message_id):
        return None
    item = InboxItem(
        agency_id=agency.id, message_id=message.message_id,
        sender_email=message.sender_email[:255], sender_name=message.sender_name[:255],
        subject=message.subject[:1000], text=message.text, sent_at=message.sent_at,
        received_at=message.received_at, fetched_at=now,
    )  # fmt: skip
    try:
        with session.begin_nested():  # another fetcher recorded it meanwhile: not twice
            session.add(item)
            session.flush()
    except IntegrityError:
        return None
    for file in message.files:
        session.add(_keep_file(session=session, item=item, file=file, storage=storage,
                               max_bytes=max_bytes))  # fmt: skip
    sender = message.sender_email
    if (
        acknowledge
        and sender
        and not message.automatic
        and sender.lower() != mailbox_address.lower()
    ):
        enqueue(
            session=session, key=f"inbox-ack:{item.id}", template="inbox_ack", recipient=sender,
            recipient_name=message.sender_name, now=now,
            context={"agency_name": agency.name, "subject": item.subject,
                     "received_at": item.received_at.isoformat()},
        )  # fmt: skip
    session.flush()
    return item


def _keep_file(*, session, item, file: MailFile, storage: Storage, max_bytes: int):
    name = clean_filename(file.filename or "tep-dinh-kem")
    size = len(file.data)
    declared = file.content_type[:128]
    if size > max_bytes:
        return InboxAttachment(item_id=item.id, filename=name, size=size,
                               content_type=declared, refused=TOO_LARGE)  # fmt: skip
    with tempfile.NamedTemporaryFile(dir=storage.spool_dir(), prefix="mail-", delete=False) as f:
        f.write(file.data)
        spooled = Path(f.name)
    try:
        found = content_type(spooled)
        if found is None or found not in ALLOWED:
            return InboxAttachment(item_id=item.id, filename=name, size=size,
                                   content_type=declared, refused=NOT_ALLOWED)  # fmt: skip
        sha256 = hashlib.sha256(file.data).hexdigest()
        storage.put(session=session, sha256=sha256, source=spooled)
        return InboxAttachment(item_id=item.id, filename=name, size=size, content_type=found,
                               sha256=sha256)  # fmt: skip
    finally:
        remove_spooled(spooled)


# --- triage -----------------------------------------------------------------------------


def _may_triage(user: User, agency_id: int) -> bool:
    return user.is_active and user.role in TRIAGE_ROLES and user.agency_id == agency_id


def items(*, session: Session, user: User, state: InboxState | None = InboxState.new,
          limit: int = 200) -> list[InboxItem]:  # fmt: skip
    """The items of the user's agency (none for anyone who does not triage), oldest first
    while waiting, newest first once handled."""
    if user.role not in TRIAGE_ROLES or user.agency_id is None:
        return []
    statement = select(InboxItem).where(InboxItem.agency_id == user.agency_id)
    if state is not None:
        statement = statement.where(InboxItem.state == state)
    order = InboxItem.received_at if state == InboxState.new else InboxItem.id.desc()
    return list(session.exec(statement.order_by(order).limit(limit)))


def get(*, session: Session, item_id: int, user: User) -> InboxItem:
    item = session.get(InboxItem, item_id)
    if item is None or not _may_triage(user, item.agency_id):
        raise NotFound(f"inbox item {item_id} not found")
    return item


def files(*, session: Session, item: InboxItem) -> list[InboxAttachment]:
    statement = select(InboxAttachment).where(InboxAttachment.item_id == item.id)
    return list(session.exec(statement.order_by(InboxAttachment.id)))


def file(*, session: Session, item: InboxItem, file_id: int, user: User) -> InboxAttachment:
    """A stored file of the item, for a reader who may see its sender."""
    found = session.get(InboxAttachment, file_id)
    if found is None or found.item_id != item.id or found.sha256 is None:
        raise NotFound(f"file {file_id} not found")
    if not sender_visible(session=session, item=item, user=user):
        raise NotFound(f"file {file_id} not found")
    return found


def sender_visible(*, session: Session, item: InboxItem, user: User) -> bool:
    """Whether `user` may read the item's sender, text and files: always, unless the item
    became (or was added to) a denunciation the user may not see the denouncer of."""
    if item.case_id is None:
        return True
    case = session.get(Case, item.case_id)
    return case is None or may_see_identity(session=session, case=case, viewer=user)


def prefill(item: InboxItem) -> dict:
    """The intake form's values for an item."""
    first_line = next((line.strip() for line in item.text.splitlines() if line.strip()), "")
    return {
        "title": (item.subject.strip() or first_line or "(thư không có tiêu đề)")[:500],
        "description": item.text[:20000],
        "citizen_name": item.sender_name or item.sender_email,
        "citizen_email": item.sender_email,
        "received_at": item.received_at,
    }


def _claim(*, session: Session, item: InboxItem, state: InboxState, actor: User, now: datetime,
           case_id: int | None = None, reason: str = "") -> None:  # fmt: skip
    """Move the item out of `new` in one statement: of two clerks at once, one wins (409)."""
    taken = session.execute(
        update(InboxItem)
        .where(InboxItem.id == item.id, InboxItem.state == InboxState.new)
        .values(
            state=state, case_id=case_id, reason=reason, handled_by_id=actor.id, handled_at=now
        )  # fmt: skip
    ).rowcount
    if not taken:
        raise Conflict(f"inbox item {item.id} was handled meanwhile", code="inbox.handled")
    session.refresh(item)


def to_case(*, session: Session, item: InboxItem, data: CaseCreate, actor: User, now: datetime,
            base_url: str, sms: bool = False) -> Case:  # fmt: skip
    """Register a case from the item: its agency, channel email, received when the message
    arrived (the legal clock runs from the agency's receipt); its files become the case's."""
    _open(item)
    data = data.model_copy(
        update={
            "agency_id": item.agency_id,
            "channel": Channel.email,
            "received_at": item.received_at,
        }  # fmt: skip
    )
    case = intake.intake(
        session=session, data=data, actor=actor, now=now, base_url=base_url, sms=sms
    ).case
    _claim(session=session, item=item, state=InboxState.case, actor=actor, now=now,
           case_id=case.id)  # fmt: skip
    _attach_files(session=session, item=item, case=case, actor=actor, now=now,
                  kind=AttachmentKind.letter)  # fmt: skip
    return case


def add_to_case(*, session: Session, item: InboxItem, code: str, actor: User,
                now: datetime) -> Case:  # fmt: skip
    """Add the item to an open or closed case the actor may read, by its tracking code."""
    _open(item)
    case = session.exec(select(Case).where(Case.code == code.strip().upper())).first()
    if case is None:
        raise NotFound(f"case {code} not found", code="inbox.no_case")
    try:
        access.get_visible(session=session, case_id=case.id, user=actor)
    except NotFound:
        raise NotFound(f"case {code} not found", code="inbox.no_case") from None
    _claim(session=session, item=item, state=InboxState.added, actor=actor, now=now,
           case_id=case.id)  # fmt: skip
    data = {"inbox_item_id": item.id, "received_at": item.received_at.isoformat()}
    if case.kind != "denunciation":
        data["subject"] = item.subject[:200]
    session.add(CaseEvent(case_id=case.id, at=now, actor_id=actor.id, action="mail_added",
                          from_status=case.status, to_status=case.status,
                          agency_id=case.agency_id, data=data))  # fmt: skip
    _attach_files(session=session, item=item, case=case, actor=actor, now=now,
                  kind=AttachmentKind.document)  # fmt: skip
    return case


def discard(*, session: Session, item: InboxItem, reason: str, actor: User,
            now: datetime) -> None:  # fmt: skip
    reason = reason.strip()
    if len(reason) < 3:
        raise Invalid("give the reason for discarding the message", code="inbox.reason")
    _open(item)
    _claim(session=session, item=item, state=InboxState.discarded, actor=actor, now=now,
           reason=reason[:2000])  # fmt: skip


def _open(item: InboxItem) -> None:
    if item.state != InboxState.new:
        raise Conflict(f"inbox item {item.id} was handled already", code="inbox.handled")


def _attach_files(*, session, item, case, actor, now, kind) -> None:
    for kept in files(session=session, item=item):
        if kept.sha256 is None:
            continue
        session.add(Attachment(case_id=case.id, kind=kind, filename=kept.filename,
                               size=kept.size, content_type=kept.content_type,
                               sha256=kept.sha256, uploaded_by_id=actor.id,
                               uploaded_at=now))  # fmt: skip
    session.flush()
