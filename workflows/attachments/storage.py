"""Where an attachment's bytes live, by their SHA-256: one file is stored once.

- `FileStorage` (the embedded default): `var/attachments/ab/cdef…` (the hash's first two
  hex digits as a folder). For scale-out the same storage on a directory every server
  process mounts (NFS, a shared volume): `DONDOC_ATTACHMENT_DIR`.
- `DatabaseStorage` (`DONDOC_ATTACHMENT_STORAGE=database`): the bytes in the
  `attachment_blobs` table of the one database every process already reaches (bytea on
  PostgreSQL, BLOB on SQLite), written in the same transaction as the attachment's row, so a
  refused or rolled-back upload leaves nothing behind by construction. A file is held in
  memory once while it is written and read (at most the size limit, 20 MB by default).

An upload is first spooled to a temporary file (`spool_dir()`), checked there, then stored.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from models import AttachmentBlob

CHUNK = 1024 * 1024


class FileStorage:
    def __init__(self, root: Path):
        self.root = Path(root)

    def spool_dir(self) -> Path:
        """Temporary files next to the store, so that storing one is an atomic rename."""
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def put(self, *, session: Session, sha256: str, source: Path) -> bool:
        """Move the spooled file into the store; False when the same bytes were there."""
        target = self.path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return True

    def discard(self, *, sha256: str) -> None:
        """Remove bytes stored by an upload that was then rolled back."""
        self.path(sha256).unlink(missing_ok=True)

    def read(self, *, session: Session, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk


class DatabaseStorage:
    def spool_dir(self) -> Path:
        return Path(tempfile.gettempdir())

    def put(self, *, session: Session, sha256: str, source: Path) -> bool:
        if session.get(AttachmentBlob, sha256) is not None:
            return False
        data = source.read_bytes()
        session.add(AttachmentBlob(sha256=sha256, size=len(data), data=data))
        session.flush()
        return True

    def discard(self, *, sha256: str) -> None:
        return None  # the row goes with the transaction's rollback

    def read(self, *, session: Session, sha256: str) -> Iterator[bytes]:
        table = AttachmentBlob.__table__
        data = session.execute(sa.select(table.c.data).where(table.c.sha256 == sha256)).scalar_one()
        for start in range(0, len(data), CHUNK):
            yield bytes(data[start : start + CHUNK])


Storage = FileStorage | DatabaseStorage


def make_storage(*, kind: str, directory: Path) -> Storage:
    """The storage a deployment chose (`files` in `directory`, or `database`)."""
    return DatabaseStorage() if kind == "database" else FileStorage(directory)


def remove_spooled(path: Path | None) -> None:
    if path is not None:
        Path(path).unlink(missing_ok=True)
