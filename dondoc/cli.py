"""The `dondoc` command line: serve, demo, sweep, fetch-mail, create-admin, procedures load, import,
backup, restore, db upgrade."""

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.settings import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return args.handler(args) or 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dondoc", description="Đôn Đốc case tracking")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="API, web pages and the embedded scheduler")
    _host_port(serve)
    serve.set_defaults(handler=_serve)

    demo = commands.add_parser("demo", help="load the seed stories into a fresh database, serve")
    _host_port(demo)
    demo.add_argument("--no-serve", action="store_true", help="load the data and stop")
    demo.set_defaults(handler=_demo)

    sweep = commands.add_parser("sweep", help="one escalation sweep, then one delivery")
    sweep.add_argument(
        "--as-of",
        type=_instant,
        default=None,
        help="ISO date-time to sweep as of (without an offset: local time); default now",
    )
    sweep.set_defaults(handler=_sweep)
    fetch = commands.add_parser("fetch-mail", help="fetch the agencies' feedback mailboxes once")
    fetch.set_defaults(handler=_fetch_mail)

    admin = commands.add_parser("create-admin", help="create an administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--full-name", default="Quản trị hệ thống")
    admin.set_defaults(handler=_create_admin)

    procedures = commands.add_parser("procedures", help="the procedures the desks take in")
    procedure_commands = procedures.add_subparsers(title="procedures commands")
    load = procedure_commands.add_parser(
        "load", help="replace the province's list from a CSV (all rows or none)"
    )
    load.add_argument("file", help="UTF-8 CSV: code,name,processing_days,remote_extra_days,source")
    load.set_defaults(handler=_load_procedures)

    register = commands.add_parser(
        "import", help="bring a desk's register (CSV or XLSX) over: docs/import.md"
    )
    register.add_argument("file", help="the register: .csv or .xlsx, columns as in docs/import.md")
    register.add_argument("--check", action="store_true", help="check every row, write nothing")
    register.add_argument(
        "--partial",
        metavar="REJECTS",
        help="import the good rows; write the refused ones with their reasons to REJECTS",
    )
    register.set_defaults(handler=_import)

    backup = commands.add_parser("backup", help="copy the SQLite database while it serves")
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    backup.set_defaults(handler=_backup)

    restore = commands.add_parser("restore", help="replace the SQLite database by a backup")
    restore.add_argument("file", type=Path)
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    restore.set_defaults(handler=_restore)

    from dondoc import api_key_cli

    api_key_cli.add_commands(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands")
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_upgrade)
    db_commands.add_parser(
        "tidy", help="remove stale rows (old throttle counters, ended sessions) once"
    ).set_defaults(handler=_tidy)
    return parser


def _host_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        help="server processes behind the port (default: the number of CPUs, here %(default)s);"
        " the embedded scheduler runs in one of them at a time",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1: {value}")
    return value


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=get_settings().tz)
    return value.astimezone(UTC)


def _fetch_mail(_args) -> int:
    from workflows.flows.fetch_mailboxes import run_fetch

    total = run_fetch()
    print(
        f"{total['mailboxes']} mailboxes: {total['new']} new messages, {total['known']} known, "
        f"{total['failed']} could not be read (their errors: the dashboard's health panel)"
    )
    return 1 if total["failed"] else 0


def _tidy(_args) -> int:
    """What the embedded scheduler does every hour, for installations that turned it off."""
    from models.db import engine_for, session_scope
    from workflows.flows.housekeeping import tidy

    with session_scope(engine_for(get_settings().database_url)) as session:
        removed = tidy(session=session, now=datetime.now(UTC))
    print(", ".join(f"{table}: {count} removed" for table, count in removed.items()))
    return 0


def _sweep(args) -> int:
    from workflows.flows.escalation_sweep import run_sweep

    _upgrade(args)
    print(run_sweep(args.as_of))
    return 0


def _import(args) -> int:
    from dondoc.importing import run_import
    from models.db import engine_for

    _upgrade(args)
    return run_import(
        engine=engine_for(get_settings().database_url),
        path=args.file,
        check_only=args.check,
        rejects=args.partial,
        now=datetime.now(UTC),
    )


def _backup(args) -> int:
    from dondoc.backup import BackupError, backup

    try:
        pages = backup(url=get_settings().database_url, target=args.file, force=args.force)
    except BackupError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    print(f"backup written: {args.file} ({pages} pages)")
    return 0


def _restore(args) -> int:
    from dondoc.backup import BackupError, restore

    url = get_settings().database_url
    try:
        counts = restore(url=url, source=args.file, force=args.force)
    except BackupError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{n} {table}" for table, n in counts.items())
    print(f"restored {args.file} into {_safe_url(url)} ({rows})")
    return _upgrade(args)


def _upgrade(_args) -> int:
    from migrations import upgrade

    url = get_settings().database_url
    upgrade(url)
    print(f"database up to date: {_safe_url(url)}")
    return 0


def _base_url_from(args) -> None:
    """Without DONDOC_BASE_URL, the address served on is the one links and receipts print
    (the look-up address and its QR code): the port given to serve or demo, not 8000."""
    if os.environ.get("DONDOC_BASE_URL"):
        return
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
    host = f"[{host}]" if ":" in host else host
    os.environ["DONDOC_BASE_URL"] = f"http://{host}:{args.port}"  # the workers inherit it
    get_settings.cache_clear()


def _serve(args) -> int:
    import uvicorn

    _base_url_from(args)
    _upgrade(args)
    print(
        f"Đôn Đốc: http://{args.host}:{args.port}/  (API docs: /docs; "
        f"{args.workers} server processes)",
        flush=True,
    )
    # An import string: uvicorn starts each worker process from it (and supervises them).
    uvicorn.run(
        "api.main:app", host=args.host, port=args.port, workers=args.workers, log_level="info"
    )
    return 0


def _demo(args) -> int:
    from dondoc import demo

    _base_url_from(args)
    settings = get_settings()
    demo.reset_database(settings.database_url, settings.mail_dir)
    _upgrade(args)
    started = time.monotonic()
    loaded = demo.load(settings=settings, now=datetime.now(UTC))
    print("\n".join(["", *loaded.summary, f"  loaded in {time.monotonic() - started:.1f} s"]))
    print("\nDemo accounts (passwords are shown only this once):")
    for username, password, role, agency in loaded.accounts:
        print(f"  {role:<9} {username:<17} {password:<14} {agency}")
    if args.no_serve:
        return 0
    return _serve(args)


def _create_admin(args) -> int:
    from pydantic import ValidationError

    from core.errors import DomainError
    from models import Role, UserCreate
    from models.db import engine_for, session_scope
    from workflows.org import users

    _upgrade(args)
    try:
        data = UserCreate(
            username=args.username,
            password=args.password,
            email=args.email,
            full_name=args.full_name,
            role=Role.admin,
        )
        with session_scope(engine_for(get_settings().database_url)) as session:
            users.create(session=session, data=data, now=datetime.now(UTC))
    except ValidationError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    print(f"administrator {args.username} created")
    return 0


def _load_procedures(args) -> int:
    from pathlib import Path

    from core.errors import DomainError
    from models.db import engine_for, session_scope
    from workflows.deadlines import procedures

    _upgrade(args)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        with session_scope(engine_for(get_settings().database_url)) as session:
            loaded = procedures.load_csv(session=session, text=text, now=datetime.now(UTC))
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    print(f"{loaded} procedures loaded")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
