"""The procedures a desk takes in and their processing times: shipped defaults, then the
province's published list an administrator loads from CSV (its rows win)."""

import csv
import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlmodel import Session, delete, select

from core.errors import Invalid
from models import Procedure, ProcedurePublic

DATA_FILE = Path(__file__).with_name("procedures.yaml")
CSV_COLUMNS = ("code", "name", "processing_days", "remote_extra_days", "source")
MAX_ROWS = 5000


@lru_cache
def shipped(path: Path = DATA_FILE) -> tuple[ProcedurePublic, ...]:
    """The defaults in procedures.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        ProcedurePublic(
            code=raw["code"],
            name=raw["name"],
            processing_days=int(raw["processing_days"]),
            remote_extra_days=int(raw.get("remote_extra_days", 0)),
            source=raw["source"],
            verified=bool(raw.get("verified", False)),
        )
        for raw in data["procedures"]
    )


def in_force(*, session: Session) -> list[ProcedurePublic]:
    """Every procedure, by code: the province's loaded rows over the shipped defaults."""
    by_code = {p.code: p for p in shipped()}
    for row in session.exec(select(Procedure)):
        by_code[row.code] = ProcedurePublic(
            code=row.code,
            name=row.name,
            processing_days=row.processing_days,
            remote_extra_days=row.remote_extra_days,
            source=row.source,
            verified=True,
        )
    return sorted(by_code.values(), key=lambda p: p.code)


def get(*, session: Session, code: str) -> ProcedurePublic:
    """The procedure with this code; a clear 422 when the desk's list does not have it."""
    row = session.get(Procedure, code)
    if row is not None:
        return next(p for p in in_force(session=session) if p.code == code)
    for procedure in shipped():
        if procedure.code == code:
            return procedure
    raise Invalid(f"unknown procedure_code {code!r} (see GET /api/v1/procedures)")


def processing_days(procedure: ProcedurePublic, *, remote: bool) -> int:
    """The working days from receipt to the return date for an agency, remote or not."""
    return procedure.processing_days + (procedure.remote_extra_days if remote else 0)


def parse_csv(text: str) -> list[dict]:
    """The rows of a published list; every bad row named, nothing returned if one is bad."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid(f"the CSV lacks the column(s) {', '.join(missing)}; expected {CSV_COLUMNS}")
    rows, errors, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise Invalid(f"more than {MAX_ROWS} rows")
        code = (raw.get("code") or "").strip()
        name = (raw.get("name") or "").strip()
        try:
            days = int((raw.get("processing_days") or "").strip())
            extra = int((raw.get("remote_extra_days") or "0").strip() or 0)
        except ValueError:
            errors.append(f"row {line}: processing_days and remote_extra_days must be numbers")
            continue
        if not code or len(code) > 64 or not name or len(name) > 500:
            errors.append(f"row {line}: a code (up to 64 characters) and a name are required")
        elif code in seen:
            errors.append(f"row {line}: the code {code!r} appears twice")
        elif not (0 <= days <= 365 and 0 <= extra <= 365):
            errors.append(f"row {line}: days must lie between 0 and 365")
        elif "\x00" in code + name + (raw.get("source") or ""):
            errors.append(f"row {line}: the NUL character is not allowed")
        else:
            seen.add(code)
            source = (raw.get("source") or "").strip()[:500]
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "processing_days": days,
                    "remote_extra_days": extra,
                    "source": source,
                }
            )
    if errors:
        raise Invalid("; ".join(errors[:20]))
    if not rows:
        raise Invalid("the CSV has no rows")
    return rows


def load_csv(*, session: Session, text: str, now: datetime) -> int:
    """Replace the province's list with the CSV's rows (all or none); how many were loaded."""
    rows = parse_csv(text)
    session.execute(delete(Procedure))
    for row in rows:
        session.add(Procedure(**row, loaded_at=now))
    session.flush()
    return len(rows)
