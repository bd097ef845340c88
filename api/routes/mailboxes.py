"""An agency's feedback mailbox (docs/channels.md): administrators set, read and remove it.
The password is write-only: set with PUT, never answered (`password_set` says whether one
is stored)."""

from fastapi import APIRouter, status

from api.deps import AdminUser, Now, SessionDep, SettingsDep
from models import MailboxPublic, MailboxUpdate
from models.base import Id
from workflows.channels import mailbox as mailboxes
from workflows.org import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"])


@router.get("/{agency_id}/mailbox")
def get_mailbox(agency_id: Id, session: SessionDep, _admin: AdminUser) -> MailboxPublic:
    agencies.get(session=session, agency_id=agency_id)
    return mailboxes.public(mailboxes.get(session=session, agency_id=agency_id))


@router.put("/{agency_id}/mailbox")
def set_mailbox(
    agency_id: Id, data: MailboxUpdate, session: SessionDep, settings: SettingsDep,
    _admin: AdminUser, now: Now,
) -> MailboxPublic:  # fmt: skip
    box = mailboxes.configure(
        session=session, agency_id=agency_id, data=data, secret=settings.secret_key, now=now
    )
    session.commit()
    return mailboxes.public(box)


@router.delete("/{agency_id}/mailbox", status_code=status.HTTP_204_NO_CONTENT)
def remove_mailbox(agency_id: Id, session: SessionDep, _admin: AdminUser) -> None:
    mailboxes.remove(session=session, agency_id=agency_id)
    session.commit()
