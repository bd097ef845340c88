"""Receiving a multipart upload as a stream: the file part goes to a temporary file while it
is hashed and counted, and the size limit stops it at the first byte over (413), before the
rest of the body is read. The body is never held in memory (Starlette's own form parsing
would spool the whole file before any limit could apply)."""

import errno
import hashlib
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import Session, select

from api import csrf_token as csrf
from api.deps import SettingsDep
from core.errors import Invalid
from core.settings import Settings
from models import Attachment
from workflows.attachments import service
from workflows.attachments.service import StorageFull, TooLarge
from workflows.attachments.storage import Storage, make_storage, remove_spooled

log = logging.getLogger("dondoc.api")
MAX_FIELD_BYTES = 4096
FIELD_OVERHEAD = 64 * 1024  # the other fields and the part headers, on top of the file


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str = ""
    size: int = 0
    sha256: str = ""


class _Receiver:
    def __init__(self, *, file_field: str, limit: int, folder: Path):
        self.file_field, self.limit, self.folder = file_field, limit, folder
        self.result = Received()
        self._headers: dict[str, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._name: str | None = None
        self._value = bytearray()
        self._file = None
        self._hash = hashlib.sha256()

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._add("_header_field", d[s:e]),
            "on_header_value": lambda d, s, e: self._add("_header_value", d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _add(self, name: str, data: bytes) -> None:
        setattr(self, name, getattr(self, name) + data)

    def _part_begin(self) -> None:
        self._headers, self._name, self._value = {}, None, bytearray()

    def _header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if self._name == self.file_field:
            if self._file is not None:
                raise Invalid(f"send one file in '{self.file_field}'", code="upload.no_file")
            self.result.filename = options.get(b"filename", b"").decode("utf-8", "replace")
            self._file = tempfile.NamedTemporaryFile(
                dir=self.folder, prefix="upload-", delete=False
            )
            self.result.path = Path(self._file.name)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._name == self.file_field:
            self.result.size += len(chunk)
            if self.result.size > self.limit:
                raise TooLarge(
                    f"the file is larger than {self.limit // (1024 * 1024)} MB",
                    code="upload.too_large",
                )
            self._hash.update(chunk)
            self._file.write(chunk)
        else:
            self._value += chunk
            if len(self._value) > MAX_FIELD_BYTES:
                raise Invalid(f"the field '{self._name}' is too long")

    def _part_end(self) -> None:
        if self._name == self.file_field:
            self._file.close()
        elif self._name:
            self.result.fields[self._name] = self._value.decode("utf-8", "replace")

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            try:
                self._file.close()
            except OSError:  # flushing onto a full disk: the file goes anyway
                pass


async def receive_file(request: Request, *, file_field: str, limit: int, folder: Path) -> Received:
    """The form's fields and its one file, spooled to `folder`; the caller removes the file.

    413 (TooLarge) at the first byte over `limit`, or at once when the declared length of the
    body already is; 422 for a body that is not multipart or has no file.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + FIELD_OVERHEAD:
        raise TooLarge(
            f"the file is larger than {limit // (1024 * 1024)} MB", code="upload.too_large"
        )
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise Invalid("send the file as multipart/form-data")
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(file_field=file_field, limit=limit, folder=folder)
    parser = MultipartParser(options[b"boundary"], receiver.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (TooLarge, Invalid):
        receiver.close()
        _remove(receiver.result.path)
        raise
    except (MultipartParseError, UnicodeError) as error:
        receiver.close()
        _remove(receiver.result.path)
        raise Invalid(f"not a readable multipart body ({type(error).__name__})") from None
    except OSError as error:  # writing the spooled file: the disk is full, most likely
        receiver.close()
        _remove(receiver.result.path)
        _raise_if_disk_full(request, error)
        raise
    receiver.close()
    expected = getattr(request.state, "csrf_expected", None)
    if expected is not None:  # a page form (api/csrf.py deferred its check to here)
        try:
            csrf.check(receiver.result.fields.get(csrf.FIELD), expected)
        except csrf.CsrfRefused:
            _remove(receiver.result.path)
            raise
    if receiver.result.path is None:
        raise Invalid(f"no file in the field '{file_field}'", code="upload.no_file")
    receiver.result.sha256 = receiver._hash.hexdigest()
    return receiver.result


def _raise_if_disk_full(request: Request, error: OSError) -> None:
    """A full disk (or quota) is a clear 507 and a line in the log; any other OSError
    stays what it is (the caller re-raises it)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        log.error("507 for %s %s: no room to store the upload: %s", request.method,
                  request.url.path, error)  # fmt: skip
        raise StorageFull(
            "the server's disk is full: nothing was stored; try again later",
            code="upload.disk_full",
        ) from error


def _remove(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def storage_for(settings: Settings) -> Storage:
    return make_storage(kind=settings.attachment_storage, directory=settings.attachment_dir)


async def _storage(settings: SettingsDep) -> Storage:
    return storage_for(settings)


StorageDep = Annotated[Storage, Depends(_storage)]


async def receive_attachment(request: Request, settings: Settings, storage: Storage):
    return await receive_file(
        request, file_field="file", limit=settings.attachment_max_mb * 1024 * 1024,
        folder=storage.spool_dir(),
    )  # fmt: skip


async def store_upload(*, request: Request, session: Session, settings: Settings, storage: Storage,
                       attach) -> Attachment:  # fmt: skip
    """Stream the file in with no transaction open (on SQLite: no write lock while the body
    arrives), then run `attach(upload, fields)` in one transaction off the event loop; the
    spooled file goes whatever happens."""
    session.rollback()
    received = await receive_attachment(request, settings, storage)
    try:
        return await run_in_threadpool(
            finish_upload,
            session,
            storage,
            received,
            lambda upload: attach(upload, received.fields),
        )
    except OSError as error:
        _raise_if_disk_full(request, error)
        raise
    finally:
        remove_spooled(received.path)


def finish_upload(session: Session, storage: Storage, received, attach) -> Attachment:
    """Run `attach` in one transaction; whatever happens the spooled file goes, and bytes
    stored for an upload that was then refused are removed (nothing left behind)."""
    try:
        upload = service.Upload(
            path=received.path, size=received.size, sha256=received.sha256,
            filename=received.filename,
        )  # fmt: skip
        attachment = attach(upload)
        session.commit()
        return attachment
    except BaseException:
        session.rollback()
        still_used = session.scalar(
            select(Attachment.id).where(Attachment.sha256 == received.sha256).limit(1)
        )
        if still_used is None:
            storage.discard(sha256=received.sha256)
        raise
    finally:
        remove_spooled(received.path)
