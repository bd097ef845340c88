"""Attachments: upload to a case or an inspection meeting, list them, download one.

An upload is streamed to a temporary file with the size limit applied as it arrives
(api/uploads.py); the database is not held meanwhile (the request's transaction is ended
before the body is read, and the case is loaded through its scope again afterwards).
"""

from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import FileResponse, Response

from api.deps import CurrentCase, CurrentUser, Now, SessionDep, SettingsDep
from api.uploads import StorageDep, store_upload
from core.errors import Invalid
from models import AttachmentKind, AttachmentPublic, User
from models.base import Id
from workflows.attachments import service
from workflows.attachments.storage import FileStorage
from workflows.cases import access
from workflows.inspections import service as inspections

router = APIRouter(tags=["attachments"])


def _multipart(*, with_kind: bool) -> dict:
    """The request body as OpenAPI describes it (the route streams it itself)."""
    properties = {"file": {"type": "string", "format": "binary"}}
    if with_kind:
        properties["kind"] = {"type": "string", "enum": [k.value for k in AttachmentKind]}
    schema = {"type": "object", "required": list(properties), "properties": properties}
    return {"requestBody": {"required": True,
                            "content": {"multipart/form-data": {"schema": schema}}}}  # fmt: skip


def _kind(text: str | None) -> AttachmentKind:
    try:
        return AttachmentKind(text or "")
    except ValueError:
        allowed = ", ".join(k.value for k in AttachmentKind)
        raise Invalid(f"kind must be one of: {allowed}") from None


@router.post(
    "/cases/{case_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_multipart(with_kind=True),
)
async def upload_to_case(
    request: Request, case: CurrentCase, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, storage: StorageDep, now: Now,
) -> AttachmentPublic:  # fmt: skip
    """Multipart `file` and `kind` → the stored attachment (413 over the limit, 415 for a type
    that is not allowed, 404 outside the reader's scope)."""
    case_id, user_id = case.id, user.id

    def attach(upload, fields):
        actor = session.get(User, user_id)
        current = access.get_visible(session=session, case_id=case_id, user=actor)
        return service.attach_to_case(
            session=session, case=current, kind=_kind(fields.get("kind")),
            upload=upload, actor=actor, now=now, storage=storage,
        )  # fmt: skip

    attachment = await store_upload(
        request=request, session=session, settings=settings, storage=storage, attach=attach
    )
    return AttachmentPublic.model_validate(attachment)


@router.get("/cases/{case_id}/attachments")
def list_case_attachments(
    case: CurrentCase, user: CurrentUser, session: SessionDep
) -> list[AttachmentPublic]:
    found = service.case_attachments(session=session, case=case, user=user)
    return [AttachmentPublic.model_validate(a) for a in found]


@router.post(
    "/inspections/{inspection_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_multipart(with_kind=False),
)
async def upload_minutes(
    request: Request, inspection_id: Id, user: CurrentUser, session: SessionDep,
    settings: SettingsDep, storage: StorageDep, now: Now,
) -> AttachmentPublic:  # fmt: skip
    """The minutes of an inspection meeting (multipart `file`): its members and admins."""
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    service.inspection_attachments(session=session, inspection=inspection, user=user)  # 404?
    user_id = user.id

    def attach(upload, _fields):
        actor = session.get(User, user_id)
        current = inspections.get(session=session, inspection_id=inspection_id)
        return service.attach_to_inspection(
            session=session, inspection=current, upload=upload, actor=actor, now=now,
            storage=storage,
        )  # fmt: skip

    attachment = await store_upload(
        request=request, session=session, settings=settings, storage=storage, attach=attach
    )
    return AttachmentPublic.model_validate(attachment)


@router.get("/inspections/{inspection_id}/attachments")
def list_minutes(
    inspection_id: Id, user: CurrentUser, session: SessionDep
) -> list[AttachmentPublic]:
    inspection = inspections.get(session=session, inspection_id=inspection_id)
    found = service.inspection_attachments(session=session, inspection=inspection, user=user)
    return [AttachmentPublic.model_validate(a) for a in found]


@router.get("/attachments/{attachment_id}", response_model=None)
def download(
    attachment_id: Id, user: CurrentUser, session: SessionDep, storage: StorageDep, now: Now
) -> Response:
    """The file itself (404 outside the reader's scope)."""
    attachment = service.readable(session=session, attachment_id=attachment_id, user=user, now=now)
    headers = {"Content-Disposition": disposition(attachment.filename),
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    if isinstance(storage, FileStorage):
        path = storage.path(attachment.sha256)
        session.commit()
        return FileResponse(path, media_type=attachment.content_type, headers=headers)
    data = b"".join(storage.read(session=session, sha256=attachment.sha256))
    session.commit()
    return Response(data, media_type=attachment.content_type, headers=headers)


def disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
