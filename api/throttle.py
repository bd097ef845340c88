"""Throttles for public and sign-in endpoints, counted in the database.

The counters live in `throttle_counters`, so every server process (and every worker of a
scale-out deployment) sees the same numbers with nothing else installed. A rule allows
`limit` hits per `window` for one key (a client address, a username, a tracking code);
the count is a sliding-window estimate (the previous fixed window weighted by how much of
it still overlaps, plus the current one), as the `limits` library does for its
sliding-window strategy. Over the limit, the caller answers 429 with `Retry-After`.

Only misses count where a miss is what an attacker produces (wrong digits, wrong
passwords): a citizen who looks up their own case, or a user who signs in, is not slowed
by others' traffic.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models import ThrottleCounter

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: timedelta


# The public look-up: wrong code/digit pairs per client and per tracking code.
LOOKUP_PER_CLIENT = Rule("lookup-client", 20, timedelta(minutes=15))
LOOKUP_PER_CODE = Rule("lookup-code", 10, timedelta(minutes=15))
# Sign-in: failures per username slow that username down for at most a few minutes (not a
# lock-out an attacker could hold against a user); per client they stop a password spray.
SIGN_IN_PER_USERNAME = Rule("sign-in-user", 5, timedelta(minutes=5))
SIGN_IN_PER_CLIENT = Rule("sign-in-client", 50, timedelta(minutes=15))
# The other public endpoints: every request counts, per client address.
FEEDBACK_PER_CLIENT = Rule("feedback-client", 20, timedelta(minutes=15))
OPEN311_PER_CLIENT = Rule("open311-client", 300, timedelta(minutes=15))


def every_request(*, request: Request, session: Session, rule: Rule, now: datetime) -> None:
    """Count this request against `rule` for its client, committed at once (a refusal later
    in the request still counts); 429 once the client is over the limit."""
    checks = [(rule, client_key(request))]
    refuse_if_over(session=session, checks=checks, now=now)
    count(session=session, checks=checks, now=now)
    session.commit()


def client_key(request: Request) -> str:
    """The client's address, as the server sees it (behind a proxy, run uvicorn with
    --forwarded-allow-ips so this is the real client)."""
    return request.client.host if request.client else "unknown"


def _key(key: str) -> str:
    """The key as stored: PostgreSQL text holds no NUL character, and keys are bounded."""
    return key.replace("\x00", "\ufffd")[:128]


def _window_start(rule: Rule, now: datetime) -> datetime:
    size = rule.window.total_seconds()
    index = math.floor((now - EPOCH).total_seconds() / size)
    return EPOCH + timedelta(seconds=index * size)


def _hits(session: Session, rule: Rule, key: str, start: datetime) -> int:
    hits = session.scalar(
        select(ThrottleCounter.hits).where(
            ThrottleCounter.rule == rule.name,
            ThrottleCounter.key == _key(key),
            ThrottleCounter.window_start == start,
        )
    )
    return hits or 0


def retry_after(*, session: Session, rule: Rule, key: str, now: datetime) -> int | None:
    """Seconds to wait if the key is over the rule's limit, else None."""
    start = _window_start(rule, now)
    elapsed = (now - start) / rule.window
    previous = _hits(session, rule, key, start - rule.window)
    current = _hits(session, rule, key, start)
    if previous * (1 - elapsed) + current < rule.limit:
        return None
    if current >= rule.limit:
        wait = (start + rule.window - now).total_seconds()
    else:
        # The previous window's weight fades: wait until the estimate drops below the limit.
        fraction_needed = 1 - (rule.limit - current) / previous
        wait = (fraction_needed - elapsed) * rule.window.total_seconds()
    return max(1, math.ceil(wait))


def hit(*, session: Session, rule: Rule, key: str, now: datetime) -> None:
    """Count one hit (an upsert: safe with concurrent processes); the caller commits."""
    start = _window_start(rule, now)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThrottleCounter).values(
        rule=rule.name, key=_key(key), window_start=start, hits=1
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["rule", "key", "window_start"],
            set_={"hits": ThrottleCounter.hits + 1},
        )
    )


def refuse_if_over(*, session: Session, checks: list[tuple[Rule, str]], now: datetime) -> None:
    """429 with Retry-After when any (rule, key) is over its limit."""
    waits = [retry_after(session=session, rule=rule, key=key, now=now) for rule, key in checks]
    waits = [wait for wait in waits if wait is not None]
    if waits:
        raise TooManyRequests(max(waits))


def count(*, session: Session, checks: list[tuple[Rule, str]], now: datetime) -> None:
    for rule, key in checks:
        hit(session=session, rule=rule, key=key, now=now)


class TooManyRequests(HTTPException):
    def __init__(self, seconds: int):
        super().__init__(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many attempts; try again in {seconds} seconds",
            headers={"Retry-After": str(seconds)},
        )
