"""Deadline policies per case kind, loaded from the versioned data file policies.yaml."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from core.errors import Invalid
from models import CaseKind, Complexity

DATA_FILE = Path(__file__).with_name("policies.yaml")
Unit = Literal["days", "working_days"]


@dataclass(frozen=True)
class Step:
    """One deadline of a policy: its unit, its length per variant, its source."""

    unit: Unit
    amounts: dict[str, int]
    source: str
    start: Literal["receipt", "acceptance"] = "acceptance"

    def amount(self, complexity: Complexity, remote: bool) -> int:
        """The length for this case; missing variants fall back to the plainer one."""
        complex_ = complexity != Complexity.normal
        order = []
        if remote and complex_:
            order.append("remote_complex")
        if remote:
            order.append("remote")
        if complexity == Complexity.especially_complex:
            order.append("especially_complex")
        if complex_:
            order.append("complex")
        order.append("normal")
        return next(self.amounts[key] for key in order if key in self.amounts)


@dataclass(frozen=True)
class Policy:
    version: str
    kind: CaseKind
    title: str
    source: str
    in_force_from: date
    in_force_to: date | None
    accept: Step
    resolve: Step
    # What `request_documents` does: pause the clock, restart it from zero when the complete
    # documents arrive (dossiers, NĐ 61/2018 Art. 19.4), or `none`: not offered (complaints:
    # Law 02/2011 has no general pause; turning it on is a product option, `pause_is_option`).
    on_documents: Literal["pause", "restart", "none"]
    extensions: dict[str, int]
    extension_length: int
    extension_source: str
    date_resets: int
    instance: int = 1  # complaints: 1 first time, 2 second time (Law 02/2011 Art. 33-37)
    completion_requests: int | None = None  # None: no limit; dossiers: 1
    completion_source: str = ""
    pause_is_option: bool = False  # the pause has no basis in law: shown as a product option
    # A second complaint's window (Art. 33): days from the first decision or the lapse of the
    # first deadline, normal and remote.
    window: dict[str, int] | None = None
    window_source: str = ""

    def extensions_allowed(self, complexity: Complexity) -> int:
        return self.extensions.get(str(complexity), 0)

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[Policy, ...]

    def in_force(self, kind: CaseKind, on: date, instance: int = 1) -> Policy:
        """The policy for `kind` (and a complaint's instance) in force on `on`."""
        matches = [
            p
            for p in self.policies
            if p.kind == kind and p.instance == instance and p.in_force_on(on)
        ]
        if not matches:
            raise Invalid(f"no deadline policy for {kind} in force on {on.isoformat()}")
        return max(matches, key=lambda p: p.in_force_from)

    def version(self, version: str) -> Policy:
        for policy in self.policies:
            if policy.version == version:
                return policy
        raise Invalid(f"unknown policy version {version!r}")


def _step(raw: dict) -> Step:
    return Step(
        unit=raw["unit"],
        amounts={str(k): int(v) for k, v in raw["amounts"].items()},
        source=raw.get("source", ""),
        start=raw.get("from", "acceptance"),
    )


def parse(data: dict) -> PolicySet:
    """A policy set from the parsed YAML document; refuses duplicates and bad units."""
    policies = []
    for raw in data["policies"]:
        ext = raw.get("extensions") or {}
        policy = Policy(
            version=raw["version"],
            kind=CaseKind(raw["kind"]),
            title=raw.get("title", ""),
            source=raw.get("source", ""),
            in_force_from=_date(raw["in_force_from"]),
            in_force_to=_date(raw["in_force_to"]) if raw.get("in_force_to") else None,
            accept=_step(raw["accept"]),
            resolve=_step(raw["resolve"]),
            on_documents=raw.get("on_documents", "pause"),
            extensions={k: int(v) for k, v in ext.items() if k in set(Complexity)},
            extension_length=int(ext.get("length", 0)),
            extension_source=ext.get("source", ""),
            date_resets=int(raw.get("date_resets", 0)),
            instance=int(raw.get("instance", 1)),
            completion_requests=(raw.get("completion_requests") or {}).get("max"),
            completion_source=(raw.get("completion_requests") or {}).get("source", ""),
            pause_is_option=bool(raw.get("pause_is_option", False)),
            window=(
                {k: int(v) for k, v in raw["window"].items() if k != "source"}
                if raw.get("window")
                else None
            ),
            window_source=(raw.get("window") or {}).get("source", ""),
        )
        for step in (policy.accept, policy.resolve):
            if step.unit not in ("days", "working_days") or "normal" not in step.amounts:
                raise ValueError(f"{policy.version}: bad step {step}")
        policies.append(policy)
    versions = [p.version for p in policies]
    if len(set(versions)) != len(versions):
        raise ValueError("duplicate policy versions")
    return PolicySet(tuple(policies))


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def load(path: Path) -> PolicySet:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache
def default() -> PolicySet:
    """The shipped policies (workflows/deadlines/policies.yaml)."""
    return load(DATA_FILE)
