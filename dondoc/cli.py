"""The `dondoc` command line: serve, demo, sweep, create-admin, db upgrade."""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

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

    admin = commands.add_parser("create-admin", help="create an administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--full-name", default="Quản trị hệ thống")
    admin.set_defaults(handler=_create_admin)

    from dondoc import api_key_cli

    api_key_cli.add_commands(commands)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands")
    db_commands.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_upgrade)
    return parser


def _host_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=get_settings().tz)
    return value.astimezone(UTC)


def _sweep(args) -> int:
    from workflows.flows.escalation_sweep import run_sweep

    _upgrade(args)
    print(run_sweep(args.as_of))
    return 0


def _upgrade(_args) -> int:
    from migrations import upgrade

    url = get_settings().database_url
    upgrade(url)
    print(f"database up to date: {_safe_url(url)}")
    return 0


def _serve(args) -> int:
    import uvicorn

    _upgrade(args)
    print(f"Đôn Đốc: http://{args.host}:{args.port}/  (API docs: /docs)", flush=True)
    uvicorn.run("api.main:app", host=args.host, port=args.port, log_level="info")
    return 0


def _demo(args) -> int:
    from dondoc import demo

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
    from models.db import session_scope
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
        with session_scope() as session:
            users.create(session=session, data=data, now=datetime.now(UTC))
    except ValidationError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    print(f"administrator {args.username} created")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
