"""`dondoc api-key create|revoke`: keys for partner systems (Open311)."""

import sys
from datetime import UTC, datetime


def add_commands(commands) -> None:
    api_key = commands.add_parser("api-key", help="API keys for partner systems (Open311)")
    sub = api_key.add_subparsers(title="api-key commands")
    create = sub.add_parser("create", help="make a key for one agency; prints it once")
    create.add_argument("--name", required=True, help="the partner system")
    create.add_argument("--agency-id", type=int, required=True)
    create.set_defaults(handler=_create)
    revoke = sub.add_parser("revoke", help="the key stops working at once")
    revoke.add_argument("key_id", type=int)
    revoke.set_defaults(handler=_revoke)


def _create(args) -> int:
    from core.errors import DomainError
    from core.settings import get_settings
    from migrations import upgrade
    from models.db import engine_for, session_scope
    from workflows.channels import api_keys

    upgrade(get_settings().database_url)
    try:
        with session_scope(engine_for(get_settings().database_url)) as session:
            row, key = api_keys.create(
                session=session, name=args.name, agency_id=args.agency_id, now=datetime.now(UTC)
            )
            key_id = row.id
    except DomainError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    print(f"API key {key_id} for agency {args.agency_id} ({args.name}); shown only now:")
    print(key)
    return 0


def _revoke(args) -> int:
    from core.errors import DomainError
    from core.settings import get_settings
    from models.db import engine_for, session_scope
    from workflows.channels import api_keys

    try:
        with session_scope(engine_for(get_settings().database_url)) as session:
            api_keys.revoke(session=session, key_id=args.key_id, now=datetime.now(UTC))
    except DomainError as error:
        print(f"refused: {error.detail}", file=sys.stderr)
        return 2
    print(f"API key {args.key_id} revoked")
    return 0
