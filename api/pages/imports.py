"""The administrator's import page: upload a register, read the check report, confirm.

The uploaded file is kept under var/imports/ by its content hash between the check and the
confirmation, so the confirmation imports exactly the file that was checked.
"""

import hashlib
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from api.deps import Now, SessionDep, SettingsDep
from api.pages.web import (
    PageNotFound,
    error_text,
    page_label,
    page_roles,
    page_translator,
    render,
)
from core.errors import DomainError
from models import Role, User
from workflows.deadlines import policies as policy_data
from workflows.imports.reading import read_register
from workflows.imports.rejects import fault_lines, rejects_file, summary
from workflows.imports.writing import check_register, import_register

router = APIRouter(include_in_schema=False)
AdminUser = Annotated[User, Depends(page_roles(Role.admin))]
MAX_REGISTER_BYTES = 100 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx)$")


def _page(request, user, status: int = 200, **context):
    context.setdefault("error", None)
    return render(request, "imports.html", context, user=user, status_code=status)


def _words(request: Request) -> dict:
    """The check report's words in the page's language: gettext for the lines and the
    refused rows' reasons, the status names of the other pages."""
    gettext = page_translator(request)
    return {"gettext": gettext, "status_name": lambda s: page_label(request, "status", s)}


def _stored(settings, token: str) -> Path:
    if not TOKEN.match(token):
        raise PageNotFound()
    path = Path(settings.var_dir) / "imports" / token
    if not path.is_file():
        raise PageNotFound()
    return path


def _read(path: Path):
    return read_register(data=path.read_bytes(), filename=path.name)


@router.get("/admin/import")
def import_form(request: Request, user: AdminUser):
    return _page(request, user)


@router.get("/admin/import/template.{ext}")
def template(ext: str, user: AdminUser):
    if ext not in ("csv", "xlsx"):
        raise PageNotFound()
    path = Path(__file__).resolve().parents[2] / "docs" / "templates" / f"so-theo-doi.{ext}"
    return Response(
        path.read_bytes(),
        media_type=_MEDIA[ext],
        headers={"Content-Disposition": f'attachment; filename="so-theo-doi.{ext}"'},
    )


@router.post("/admin/import")
def import_check(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminUser,
    now: Now,
    file: Annotated[UploadFile, File()],
):
    """Check the uploaded register and keep it for the confirmation; nothing is written."""
    _ = page_translator(request)
    digest, chunks, size = hashlib.sha256(), [], 0
    while chunk := file.file.read(1024 * 1024):
        size += len(chunk)
        if size > MAX_REGISTER_BYTES:
            return _page(request, user, 413, error=_("The file is too large (100 MB at most)"))
        digest.update(chunk)
        chunks.append(chunk)
    data = b"".join(chunks)
    name = file.filename or ""
    try:
        register = read_register(data=data, filename=name)
    except DomainError as error:
        why = error_text(request, error)
        if error.code in ("import.columns_missing", "import.columns_unknown"):
            why += " " + error.detail.rsplit(": ", 1)[-1]  # the columns, as the file names them
        return _page(request, user, 422, error=_("The file cannot be read: %(why)s", why=why))
    _, report = check_register(
        session=session, register=register, now=now, policies=policy_data.default()
    )
    session.rollback()
    words = _words(request)
    token = f"{digest.hexdigest()}.{register.format}"
    folder = Path(settings.var_dir) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / token).write_bytes(data)
    return _page(
        request, user, token=token, filename=name, faults=fault_lines(report, words["gettext"]),
        summary=summary(report, check_only=True, **words), checked=True,
    )  # fmt: skip


@router.post("/admin/import/confirm")
def import_confirm(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminUser,
    now: Now,
    token: Annotated[str, Form(max_length=80)],
    filename: Annotated[str, Form(max_length=255)] = "",
    partial: Annotated[bool, Form()] = False,
):
    """Import the checked file: all rows, or (partial) the good ones."""
    register = _read(_stored(settings, token))
    report = import_register(
        session=session, register=register, now=now, actor_id=user.id,
        origin=filename or token, partial=partial, policies=policy_data.default(),
    )  # fmt: skip
    if report.refused and not partial:
        session.rollback()
    else:
        session.commit()
    words = _words(request)
    return _page(
        request, user, token=token, filename=filename, faults=fault_lines(report, words["gettext"]),
        summary=summary(report, check_only=False, **words), done=True, written=report.written,
        refused=bool(report.refused),
    )  # fmt: skip


@router.get("/admin/import/{token}/rejects")
def import_rejects(request: Request, session: SessionDep, settings: SettingsDep,
                   user: AdminUser, now: Now, token: str):  # fmt: skip
    """The refused rows of a checked file with their reasons, in the file's own format."""
    path = _stored(settings, token)
    _, report = check_register(
        session=session, register=_read(path), now=now, policies=policy_data.default()
    )
    session.rollback()
    xlsx = token.endswith(".xlsx")
    ext = "xlsx" if xlsx else "csv"
    return Response(
        rejects_file(report, xlsx=xlsx, gettext=page_translator(request)),
        media_type=_MEDIA[ext],
        headers={"Content-Disposition": f'attachment; filename="dong-bi-tu-choi.{ext}"'},
    )


_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
