"""Who a ladder step tells: resolved from the agency tree when the step fires.

The tree and its heads are loaded once per batch, so a batch costs two queries here, not one per
case: for a sweep batch only the agencies of its cases and their ancestors (a recursive query:
a few hundred of the country's 3,763 agencies), for the digest the whole tree. Chains and
resolved targets are kept per agency for the batch, since many cases share an agency.
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

    def __init__(self, nodes: dict[int, AgencyNode], officers: dict[int, Person]):
        self.nodes = nodes
        self.officers = officers
        self._chains: dict[int, list[AgencyNode]] = {}
        self._resolved: dict[tuple, Resolved] = {}

    @classmethod
    def load(
        cls, *, session: Session, assignee_ids: set[int], agency_ids: set[int] | None = None
    ) -> "Tree":
        """The whole tree, or only `agency_ids` and their ancestors when given."""
        agencies = Agency.__table__
        query = select(
            agencies.c.id, agencies.c.name, agencies.c.parent_id, User.id, User.full_name,
            User.email,
        ).outerjoin(User, (User.id == agencies.c.head_user_id) & User.is_active)  # fmt: skip
        if agency_ids is not None:
            up = select(agencies.c.id, agencies.c.parent_id).where(agencies.c.id.in_(agency_ids))
            up = up.cte("chain", recursive=True)
            parent = agencies.alias("parent")
            up = up.union(
                select(parent.c.id, parent.c.parent_id).join(up, parent.c.id == up.c.parent_id)
            )
            query = query.where(agencies.c.id.in_(select(up.c.id)))
        nodes = {
            agency_id: AgencyNode(
                agency_id, name, parent_id, Person(uid, full, email) if uid and email else None
            )
            for agency_id, name, parent_id, uid, full, email in session.execute(query)
        }
        officers = {}
        if assignee_ids:
            users = session.execute(
                select(User.id, User.full_name, User.email).where(
                    User.id.in_(assignee_ids), User.is_active
                )
            )
            officers = {uid: Person(uid, full, email) for uid, full, email in users if email}
        return cls(nodes, officers)

    def name(self, agency_id: int) -> str:
        node = self.nodes.get(agency_id)
        return node.name if node else ""

    def chain(self, agency_id: int) -> list[AgencyNode]:
        """The agency and its ancestors, nearest first (stops on a cycle or a missing node)."""
        chain = self._chains.get(agency_id)
        if chain is not None:
            return chain
        chain, seen = [], set()
        node = self.nodes.get(agency_id)
        while node is not None and node.id not in seen:
            chain.append(node)
            seen.add(node.id)
            node = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        self._chains[agency_id] = chain
        return chain

    def resolve(self, *, targets: tuple[str, ...], agency_id: int, assignee_id: int | None):
        """People for `targets`; a missing head is skipped upward and recorded.

        The answer is shared by every case with the same agency and assignee: read it, never
        change it.
        """
        key = (targets, agency_id, assignee_id)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(targets, agency_id, assignee_id)
        return self._resolved[key]

    def _resolve(self, targets: tuple[str, ...], agency_id: int, assignee_id: int | None):
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
