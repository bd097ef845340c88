"""`dondoc import`: read the register, check it, write it in one transaction, print the report."""

import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from core.errors import DomainError
from models.db import session_scope
from workflows.deadlines import policies as policy_data
from workflows.imports.reading import read_register
from workflows.imports.rejects import fault_lines, rejects_file, summary
from workflows.imports.writing import check_register, import_register


class _Discard(Exception):
    """Rolls the transaction back when refused rows mean nothing may be written."""


def run_import(
    *, engine: Engine, path: str, check_only: bool, rejects: str | None, now: datetime
) -> int:
    """0 when every row was imported or skipped, 1 when some were refused, 2 for an unreadable
    file."""
    source = Path(path)
    try:
        register = read_register(data=source.read_bytes(), filename=source.name)
    except OSError as error:
        print(f"cannot read {path}: {error.strerror}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{path}: {error.detail}", file=sys.stderr)
        return 2
    encoding = f", {register.encoding}" if register.encoding else ""
    print(f"{source.name}: {len(register.rows)} rows ({register.format}{encoding})")
    policies = policy_data.default()
    try:
        with session_scope(engine) as session:
            if check_only:
                _, report = check_register(
                    session=session, register=register, now=now, policies=policies
                )
                session.rollback()
            else:
                with _progress(len(register.rows)) as advance:
                    report = import_register(
                        session=session, register=register, now=now, actor_id=None,
                        origin=source.name, partial=rejects is not None, policies=policies,
                        progress=advance,
                    )  # fmt: skip
                if report.refused and rejects is None:
                    raise _Discard
    except _Discard:
        pass
    for line in fault_lines(report):
        print(line)
    if rejects is not None and report.refused and not check_only:
        Path(rejects).write_bytes(rejects_file(report, xlsx=rejects.lower().endswith(".xlsx")))
        print(f"refused rows written to {rejects}, with their reasons")
    print("\n".join(summary(report, check_only=check_only)))
    if report.refused and not check_only and not report.written:
        print("nothing was written: fix the refused rows, or import with --partial")
    return 1 if report.refused else 0


class _progress:
    """A progress bar on a terminal (rich); silent when the output is a file or a pipe."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if not sys.stdout.isatty():
            return lambda n: None
        from rich.progress import Progress

        self.bar = Progress(transient=False)
        self.bar.start()
        task = self.bar.add_task("importing", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
