"""Who a ladder step tells: resolved from the agency tree when the step fires.

The tree and its heads are loaded once per batch (agencies are few; due cases are many), so a
batch of 500 cases costs two queries here, not one per case.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models import Agency, User


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class AgencyNode:
    id: int
    name: str
    parent_id: int | None
    head: Person | None


@dataclass
class Resolved:
    """The people a step tells (by the target that named them) and every skip on the way."""

    people: list[tuple[str, Person]] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


class Tree:
    """A snapshot of the agency tree with each agency's active head."""

    def __init__(self, nodes: dict[int, AgencyNode], officers: dict[int, Person], keep=()):
        self.nodes = nodes
        self.officers = officers
        # The Agency rows stay referenced for the batch, so the session's (weak) identity
        # map answers session.get(Agency, id) without a query.
        self._keep = list(keep)

    @classmethod
    def load(cls, *, session: Session, assignee_ids: set[int]) -> "Tree":
        rows = session.execute(
            select(Agency, User.id, User.full_name, User.email).outerjoin(
                User, (User.id == Agency.head_user_id) & User.is_active
            )
        ).all()
        nodes = {
            agency.id: AgencyNode(
                agency.id,
                agency.name,
                agency.parent_id,
                Person(uid, full, email) if uid and email else None,
            )
            for agency, uid, full, email in rows
        }
        officers = {}
        if assignee_ids:
            users = session.execute(
                select(User.id, User.full_name, User.email).where(
                    User.id.in_(assignee_ids), User.is_active
                )
            )
            officers = {uid: Person(uid, full, email) for uid, full, email in users if email}
        return cls(nodes, officers, keep=[row[0] for row in rows])

    def chain(self, agency_id: int) -> list[AgencyNode]:
        """The agency and its ancestors, nearest first (stops on a cycle or a missing node)."""
        chain, seen = [], set()
        node = self.nodes.get(agency_id)
        while node is not None and node.id not in seen:
            chain.append(node)
            seen.add(node.id)
            node = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        return chain

    def resolve(self, *, targets: tuple[str, ...], agency_id: int, assignee_id: int | None):
        """People for `targets`; a missing head is skipped upward and recorded."""
        result = Resolved()
        chain = self.chain(agency_id)
        for target in targets:
            if target == "officer":
                officer = self.officers.get(assignee_id) if assignee_id else None
                if officer is not None:
                    _add(result, target, officer)
                    continue
                result.skipped.append({"target": "officer", "reason": "no active assignee"})
                target = "head"  # nobody assigned: the head answers for the case
            up = 0 if target == "head" else int(target.removeprefix("head+"))
            self._climb(result, target, chain, up)
        return result

    def _climb(self, result: Resolved, target: str, chain: list[AgencyNode], up: int) -> None:
        if up >= len(chain):
            result.skipped.append({"target": target, "reason": "no agency that high"})
            return
        for node in chain[up:]:
            if node.head is not None:
                _add(result, target, node.head)
                return
            result.skipped.append(
                {"target": target, "agency_id": node.id, "agency": node.name, "reason": "no head"}
            )
        result.skipped.append({"target": target, "reason": "no head up the tree"})


def _add(result: Resolved, target: str, person: Person) -> None:
    if all(p.user_id != person.user_id for _, p in result.people):
        result.people.append((target, person))
