"""`dondoc backup FILE` and `dondoc restore FILE` for the embedded SQLite database.

The backup uses SQLite's online backup API: it copies a consistent snapshot (the last commit
when it began) while the server goes on writing; in WAL mode nobody waits for it. PostgreSQL
is backed up with pg_dump / pg_restore instead (docs/operations.md).
"""

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

# Tables whose rows mean "this database is in use": a restore does not overwrite them
# unless told to.
DATA_TABLES = ("cases", "users", "agencies", "notifications")


class BackupError(Exception):
    """Refused or impossible; the message says why and what to do."""


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL (BackupError for PostgreSQL or in-memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump and restore it with "
            "pg_restore (docs/operations.md, 'Backups')"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def backup(*, url: str, target: Path, force: bool = False) -> int:
    """Copy the live database at `url` into `target`; the number of pages copied."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    target = Path(target)
    if target.exists() and not force:
        raise BackupError(f"{target} exists; choose another name or pass --force")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        # One step: the whole file from one snapshot (WAL: writers go on meanwhile).
        source.backup(copy)
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
        # A backup file stands alone: no WAL beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    _check(partial)
    partial.replace(target)
    return pages


def restore(*, url: str, source: Path, force: bool = False) -> dict[str, int]:
    """Replace the database at `url` by the backup `source`; the rows per data table.

    Refuses to overwrite a database that holds data unless `force`. Stop the server first:
    it would otherwise go on with connections to the replaced contents.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    counts = _check(source)
    target_path = sqlite_path(url)
    if target_path.exists() and not force:
        held = _row_counts(target_path)
        if any(held.values()):
            rows = ", ".join(f"{n} {table}" for table, n in held.items() if n)
            raise BackupError(
                f"{target_path} holds data ({rows}); restoring would replace it: "
                "pass --force if that is what you want"
            )
    target_path.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    destination = sqlite3.connect(target_path, timeout=30)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()
    return counts


def _check(path: Path) -> dict[str, int]:
    """The backup's data rows per table, after SQLite's own integrity check."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error
    if verdict != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {verdict}")
    if not has_schema:
        raise BackupError(f"{path} is not a Đôn Đốc database (no migration table)")
    return _row_counts(path)


def _row_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        present = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in DATA_TABLES
            if table in present
        }
    finally:
        connection.close()
