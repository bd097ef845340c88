"""The intake form's one-time token: a form registers one case however the desk navigates.

The page hands out a fresh token with each form (in its address, so going Back shows the
same form with the same token). The first submission claims the token in the transaction
that registers the case; a later one (Back and submit again, a double click, a second tab)
finds it claimed and gets the first case. Two submissions at once: the claim is an insert
on the token's primary key, so on PostgreSQL the second waits for the first to commit (or
roll back, freeing the token) and on SQLite writers take turns (BEGIN IMMEDIATE).
"""

import re
import secrets
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.errors import Conflict, Invalid
from models import Case, FormToken, User

TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return secrets.token_hex(16)


def claim(*, session: Session, token: str, user: User, now: datetime) -> Case | None:
    """Claim `token` for the case this transaction is about to register (None), or the case
    an earlier submission of the same form registered."""
    if not TOKEN.fullmatch(token or ""):
        raise Invalid(
            "the form has no valid form token; open the form again", code="intake.form_token"
        )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(FormToken.__table__)
        .values(token=token, user_id=user.id, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(FormToken.__table__.c.token)
    )
    if session.execute(statement).first() is not None:
        return None
    claimed = session.get(FormToken, token, populate_existing=True)
    if claimed is None or claimed.user_id != user.id or claimed.case_id is None:
        raise Conflict(
            "this form was submitted by someone else; open it again", code="intake.form_taken"
        )
    return session.get(Case, claimed.case_id)


def registered(*, session: Session, token: str, user: User) -> Case | None:
    """The case this user's form `token` registered, if it was submitted already."""
    if not TOKEN.fullmatch(token or ""):
        return None
    claimed = session.get(FormToken, token)
    if claimed is None or claimed.user_id != user.id or claimed.case_id is None:
        return None
    return session.get(Case, claimed.case_id)


def attach(*, session: Session, token: str, case: Case) -> None:
    """Record the case the claimed `token` registered (same transaction as the claim)."""
    session.flush()
    claimed = session.get(FormToken, token)
    claimed.case_id = case.id
    session.add(claimed)
