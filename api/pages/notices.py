"""A notice the law requires, printed as the form where the citizen gave no email, and the
desk's mark that it was handed over."""

from datetime import date, datetime

from fastapi import APIRouter, Request

from api import i18n
from api.deps import Now, SessionDep
from api.pages.web import PageCase, PageNotFound, PageUser, error_text, redirect, render
from core.errors import DomainError, Forbidden, NotFound
from models import Agency, Case, CaseNotice, Role
from models.base import Id
from workflows.cases import notices
from workflows.deadlines import dates

router = APIRouter(include_in_schema=False)
DESK = (Role.clerk, Role.officer, Role.head, Role.admin)
# One-stop forms are named by the rules in force on the dossier's receipt date (LEGAL.md).
NEW_FORMS_FROM = date(2025, 7, 1)


def form_name(case: Case, notice: CaseNotice) -> str | None:
    """The official form a dossier's completion request is printed on."""
    if notice.kind != "completion_request":
        return None
    if dates.local_date(case.received_at) < NEW_FORMS_FROM:
        return "Mẫu số 02 — Thông tư 01/2018/TT-VPCP (Nghị định 61/2018/NĐ-CP)"
    return "Mẫu số 02 — Thông tư 03/2025/TT-VPCP (Nghị định 118/2025/NĐ-CP)"


def _notice(session, case: Case, notice_id: int) -> CaseNotice:
    try:
        return notices.get(session=session, case_id=case.id, notice_id=notice_id)
    except NotFound:
        raise PageNotFound() from None


@router.get("/cases/{case_id}/notices/{notice_id}")
def print_notice(
    notice_id: Id, request: Request, session: SessionDep, user: PageUser, case: PageCase
):
    notice = _notice(session, case, notice_id)
    context = {
        "case": case,
        "notice": notice,
        "agency": session.get(Agency, case.agency_id),
        "form_name": form_name(case, notice),
        "due_at": (
            datetime.fromisoformat(notice.data["due_at"]) if notice.data.get("due_at") else None
        ),
    }
    return render(request, "notice_print.html", context, user=user)


@router.post("/cases/{case_id}/notices/{notice_id}/sent")
def mark_sent(
    notice_id: Id, request: Request, session: SessionDep, user: PageUser, case: PageCase, now: Now
):
    _notice(session, case, notice_id)
    try:
        if user.role not in DESK:
            raise Forbidden("your role may not do this")
        notices.mark_sent(
            session=session, case_id=case.id, notice_id=notice_id, actor=user, now=now
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        _ = i18n.translator(i18n.language(request))
        message = f"{_('Not marked')}: {error_text(request, exc)}"
        return render(
            request, "error.html", {"message": message}, user=user, status_code=exc.status_code
        )
    return redirect(f"/cases/{case.id}#notices")
