"""The case's files page: the list with download links, the upload form, and resolving the
case with its written answer attached (one transaction: the answer and the resolution)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.deps import Now, SessionDep, SettingsDep
from api.pages.web import PageCase, error_text, page_roles, redirect, render
from api.uploads import StorageDep, store_upload
from core.errors import DomainError, Invalid
from models import AttachmentKind, CaseKind, CaseStatus, Role, User
from workflows.attachments import service
from workflows.cases import access, lifecycle

router = APIRouter(include_in_schema=False)
StaffUser = Annotated[User, Depends(page_roles(Role.clerk, Role.officer, Role.head, Role.admin))]
TEXT = {
    "title": ("Tệp đính kèm", "Attachments"),
    "back": ("Về hồ sơ vụ việc", "Back to the case"),
    "none": ("Chưa có tệp nào.", "No file yet."),
    "confidential": (
        "Đơn tố cáo: tệp đính kèm chỉ người được giao xử lý, thủ trưởng cơ quan giải quyết và "
        "quản trị viên được xem (bảo vệ người tố cáo).",
        "A denunciation: its files are shown only to the assignee, the head of the resolving "
        "agency and administrators (the denouncer is protected).",
    ),
    "upload": ("Tải tệp lên", "Upload a file"),
    "kind": ("Loại tệp", "Kind"),
    "file": (
        "Tệp (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT; tối đa {mb} MB)",
        "File (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT; at most {mb} MB)",
    ),  # fmt: skip
    "resolve": ("Giải quyết, kèm văn bản trả lời", "Resolve, with the written answer"),
    "answer": ("Nội dung trả lời", "The answer"),
    "answer_file": ("Văn bản trả lời (tệp)", "The answer (file)"),
    "kind.letter": ("Đơn", "Letter"),
    "kind.document": ("Tài liệu", "Document"),
    "kind.answer": ("Văn bản trả lời", "Answer"),
    "kind.minutes": ("Biên bản", "Minutes"),
    "kind.other": ("Khác", "Other"),
    "uploaded": ("Đã tải tệp lên.", "The file was uploaded."),
}


def _texts(request: Request, mb: int) -> dict[str, str]:
    from api import i18n
    from core.settings import get_settings

    index = i18n.LANGUAGES.index(i18n.language(request, get_settings().language))
    return {key: pair[index].replace("{mb}", str(mb)) for key, pair in TEXT.items()}


def _page(request, session, settings, case, user, *, error=None, status=200, done=None):
    try:
        files = service.case_attachments(session=session, case=case, user=user)
        hidden = False
    except DomainError:
        files, hidden = [], True
    can_resolve = case.status == CaseStatus.accepted and user.role in lifecycle.STAFF
    context = {
        "case": case, "files": files, "hidden": hidden, "error": error, "done": done,
        "kinds": list(AttachmentKind), "can_resolve": can_resolve,
        "denunciation": case.kind == CaseKind.denunciation,
        "x": _texts(request, settings.attachment_max_mb),
    }  # fmt: skip
    return render(request, "case_attachments.html", context, user=user, status_code=status)


@router.get("/cases/{case_id}/attachments")
def files_page(request: Request, session: SessionDep, settings: SettingsDep, case: PageCase,
               user: StaffUser):  # fmt: skip
    done = request.query_params.get("done")
    return _page(request, session, settings, case, user, done=done)


async def _receive_and_store(request, session, settings, storage, case, user, now, then=None):
    """Stream the file in, then attach it (and run `then` in the same transaction)."""
    case_id, user_id = case.id, user.id

    def attach(upload, fields):
        actor = session.get(User, user_id)
        current = access.get_visible(session=session, case_id=case_id, user=actor)
        kind = AttachmentKind.answer if then else _kind(fields.get("kind"))
        attachment = service.attach_to_case(
            session=session, case=current, kind=kind, upload=upload, actor=actor, now=now,
            storage=storage,
        )  # fmt: skip
        if then is not None:
            then(current, actor, fields)
        return attachment

    return await store_upload(
        request=request, session=session, settings=settings, storage=storage, attach=attach
    )


def _kind(text: str | None) -> AttachmentKind:
    try:
        return AttachmentKind(text or "")
    except ValueError:
        raise Invalid("choose the kind of the file", code="upload.no_kind") from None


@router.post("/cases/{case_id}/attachments")
async def upload_file(request: Request, session: SessionDep, settings: SettingsDep,
                      storage: StorageDep, case: PageCase, user: StaffUser, now: Now):  # fmt: skip
    try:
        await _receive_and_store(request, session, settings, storage, case, user, now)
    except DomainError as error:
        session.rollback()
        fresh = access.get_visible(session=session, case_id=case.id, user=user)
        return _page(request, session, settings, fresh, user,
                     error=error_text(request, error), status=error.status_code)  # fmt: skip
    return redirect(f"/cases/{case.id}/attachments?done=uploaded")


@router.post("/cases/{case_id}/attachments/resolve")
async def resolve_with_answer(request: Request, session: SessionDep, settings: SettingsDep,
                              storage: StorageDep, case: PageCase, user: StaffUser,
                              now: Now):  # fmt: skip
    """Attach the written answer and resolve the case, both or neither."""

    def resolve(current, actor, fields):
        version = fields.get("version", "")
        lifecycle.apply(
            session=session, case=current, action="resolve", actor=actor, now=now,
            base_url=settings.base_url, sms=settings.sms_configured,
            version=int(version) if version.isdigit() else -1,
            answer=fields.get("answer", "").strip(),
        )  # fmt: skip

    try:
        await _receive_and_store(request, session, settings, storage, case, user, now, resolve)
    except DomainError as error:
        session.rollback()
        fresh = access.get_visible(session=session, case_id=case.id, user=user)
        return _page(request, session, settings, fresh, user,
                     error=error_text(request, error), status=error.status_code)  # fmt: skip
    return redirect(f"/cases/{case.id}?done=resolve")


# These two read their multipart body as a stream: api/csrf.py leaves the token to the upload.
upload_file.streams_body = True
resolve_with_answer.streams_body = True
