"""Ten years of cases, one row and its key events at a time (deterministic for a seed).

The mixes are the generator's promises (tests/bench checks them on a small run):
- kinds: complaints 30 %, denunciations 8 %, petitions 32 %, dossiers 30 %;
- more cases in recent years; the older a case, the likelier it is finished, but about 3 %
  of old cases are still open (the long-pending backlog, overdue for years);
- about 12 % transferred at least once, some bounced between two agencies (ping-pong);
- escalation level from how far past due an open case is (4 and long_pending past 90 days).
Deadlines are approximated in calendar days (the generator does not run the calendar).
"""

import json
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.names import STREETS, SYLLABLES, person_name

KINDS = [
    ("complaint", "KN", 0.30),
    ("denunciation", "TC", 0.08),
    ("petition", "PA", 0.32),
    ("dossier", "HS", 0.30),
]
POLICY = {
    "complaint": "complaint-2011.1",
    "denunciation": "denunciation-2018.1",
    "petition": "petition-2013.1",
    "dossier": "dossier-2018.1",
}
ACCEPT_DAYS = {"complaint": 14, "denunciation": 10, "petition": 14, "dossier": 0}
RESOLVE_DAYS = {"complaint": 30, "denunciation": 30, "petition": 42, "dossier": 28}
CHANNELS = {
    "complaint": ["in_person"] * 5 + ["online"] * 2 + ["email", "hotline"],
    "denunciation": ["in_person"] * 3 + ["email"] * 2 + ["online", "hotline", "inspection"],
    "petition": ["online"] * 4 + ["hotline"] * 3 + ["in_person"] * 2 + ["email"],
    "dossier": ["in_person"] * 6 + ["online"] * 4,
}
TITLES = {
    "complaint": [
        "Khiếu nại quyết định thu hồi đất tại {p}",
        "Khiếu nại về bồi thường, hỗ trợ tái định cư tại {p}",
        "Khiếu nại quyết định xử phạt vi phạm hành chính",
        "Khiếu nại việc không cấp giấy phép xây dựng",
    ],
    "denunciation": [
        "Tố cáo cán bộ địa chính {p} nhận tiền",
        "Tố cáo hành vi lấn chiếm đất công tại {p}",
        "Tố cáo sai phạm trong quản lý ngân sách xã {p}",
    ],
    "petition": [
        "Phản ánh đường giao thông bị lấn chiếm tại {p}",
        "Kiến nghị sửa chữa cống thoát nước {p}",
        "Phản ánh ô nhiễm môi trường từ cơ sở sản xuất tại {p}",
        "Kiến nghị về tiếng ồn công trình",
    ],
    "dossier": [
        "Hồ sơ cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Hồ sơ chuyển mục đích sử dụng đất",
        "Hồ sơ đăng ký biến động đất đai",
        "Hồ sơ cấp phép xây dựng nhà ở riêng lẻ",
    ],
}
PROCEDURES = ["cap-gcn-lan-dau", "chuyen-muc-dich", "dang-ky-bien-dong", "giay-phep-xay-dung"]
DAY = timedelta(days=1)
LONG_PENDING_DAYS = 90


@dataclass
class World:
    """What the cases are spread over: agencies, their people and places."""

    as_of: datetime
    communes: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)
    provinces: list[int] = field(default_factory=list)
    officers: dict[int, list[int]] = field(default_factory=dict)
    clerk: dict[int, int] = field(default_factory=dict)
    place: dict[int, str] = field(default_factory=dict)  # agency id -> "xã X, tỉnh Y"
    neighbours: dict[int, list[int]] = field(default_factory=dict)  # same province
    remote: set[int] = field(default_factory=set)


class CaseMaker:
    """Makes case rows and their events; `make(case_id)` returns (case, [events])."""

    def __init__(self, world: World, seed: int, years: int = 10, with_events: bool = True):
        self.world = world
        self.rng = random.Random(seed)
        self.span_days = 365 * years
        self.with_events = with_events
        self.counters: dict[tuple[str, int], int] = {}
        self.next_event_id = 1

    def _agency(self) -> int:
        r, w = self.rng.random(), self.world
        pool = w.communes if r < 0.70 else w.departments if r < 0.95 else w.provinces
        return self.rng.choice(pool)

    def _code(self, prefix: str, year: int) -> str:
        n = self.counters.get((prefix, year), 0) + 1
        self.counters[(prefix, year)] = n
        return f"{prefix}-{year}-{n:06d}"

    def make(self, case_id: int) -> tuple[dict, list[dict]]:
        rng, w = self.rng, self.world
        r = rng.random()
        for kind, prefix, share in KINDS:  # noqa: B007
            r -= share
            if r < 0:
                break
        age_days = self.span_days * rng.random() ** 1.3
        received = w.as_of - timedelta(days=age_days)
        received = received.replace(hour=rng.randint(1, 9), minute=rng.randint(0, 59))
        received = min(received, w.as_of - timedelta(minutes=1))
        age_days = (w.as_of - received) / DAY
        agency = self._agency()
        complexity = (
            "normal"
            if rng.random() < 0.85
            else rng.choice(["complex"] * 4 + ["especially_complex"])
        )
        events: list[tuple] = [(received, "receive", None, "received", w.clerk.get(agency), None)]

        transfers = 0
        t = rng.random()
        if t < 0.12:
            transfers = 1 if t < 0.085 else 2 if t < 0.11 else rng.randint(3, 5)
        ping_pong = transfers >= 2 and rng.random() < 0.7
        if transfers:
            other = rng.choice(w.neighbours[agency])
            chain = (
                [other, agency] * 3
                if ping_pong
                else [rng.choice(w.neighbours[agency]) for _ in range(transfers)] + [agency]
            )
            chain = chain[-(transfers + 1) :]
            for step, (a, b) in enumerate(zip(chain, chain[1:], strict=False)):
                at = received + timedelta(days=2 * step + rng.random() * 2)
                events.append(
                    (
                        at,
                        "transfer",
                        "received",
                        "received",
                        None,
                        {"from_agency_id": a, "to_agency_id": b},
                    )
                )
        start = events[-1][0]

        p_open = 0.6 * math.exp(-age_days / 60) + 0.03
        accept_days = ACCEPT_DAYS[kind]
        resolve_days = RESOLVE_DAYS[kind] + (15 if complexity != "normal" else 0)
        accepted = resolved = closed = due = resolved_due = paused = None
        extensions = 0
        officer = rng.choice(w.officers[agency])
        r = rng.random()
        if r < p_open:
            status = (
                "received"
                if rng.random() < 0.2
                else "on_hold"
                if rng.random() < 0.12
                else "accepted"
            )
        else:
            r = rng.random()
            status = (
                "closed"
                if r < 0.70
                else "resolved"
                if r < 0.90
                else "declined"
                if r < 0.96
                else "withdrawn"
            )
        if status == "received":
            due = start + timedelta(days=accept_days or 1)
        elif status in ("declined", "withdrawn"):
            at = min(start + timedelta(days=rng.uniform(1, max(accept_days, 3))), w.as_of)
            action = {"declined": "decline", "withdrawn": "withdraw"}[status]
            events.append((at, action, "received", status, officer, {"reason": "không thụ lý"}))
        else:
            accepted = start + timedelta(days=rng.uniform(0, accept_days) if accept_days else 0)
            if accepted >= w.as_of:
                accepted, status, due = None, "received", start + timedelta(days=accept_days or 1)
            else:
                events.append((accepted, "accept", "received", "accepted", officer, None))
                if kind == "denunciation" and complexity != "normal":
                    extensions = 1 if complexity == "complex" else rng.randint(1, 2)
                due = accepted + timedelta(days=resolve_days + 30 * extensions)
                if status in ("resolved", "closed"):
                    late = rng.random() >= 0.82
                    took = (
                        resolve_days * rng.uniform(0.3, 1.0)
                        if not late
                        else resolve_days + rng.expovariate(1 / 40)
                    )
                    resolved = accepted + timedelta(days=took)
                    if resolved >= w.as_of:
                        resolved, status = None, "accepted"
                    else:
                        resolved_due, due = due, None
                        events.append((resolved, "resolve", "accepted", "resolved", officer, None))
                        if status == "closed":
                            closed = min(resolved + timedelta(days=rng.uniform(1, 20)), w.as_of)
                            events.append((closed, "close", "resolved", "closed", officer, None))
                if status == "on_hold":
                    paused = accepted + (w.as_of - accepted) * rng.random()
                    events.append(
                        (paused, "request_documents", "accepted", "on_hold", officer, None)
                    )

        level, long_pending, next_action = 0, False, None
        if status in ("received", "accepted", "on_hold"):
            overdue_days = (w.as_of - due) / DAY
            if overdue_days > 0:
                level = 4 if overdue_days > LONG_PENDING_DAYS else 3 if overdue_days > 7 else 2
                long_pending = level == 4
                next_action = (
                    None
                    if level == 4
                    else due + timedelta(days=LONG_PENDING_DAYS if level == 3 else 7)
                )
            elif overdue_days > -3:
                level, next_action = 1, due
            else:
                next_action = due - timedelta(days=3)
            if status == "on_hold":
                next_action = None
        elif resolved and resolved_due and resolved > resolved_due:
            level = rng.choice([2, 2, 3])
        escalation_base = due or resolved_due
        for step in range(1, level + 1):
            at = escalation_base + timedelta(days=(-3, 0, 1, 8, LONG_PENDING_DAYS + 1)[step])
            events.append((at, "escalate", None, None, None, {"level": step}))
        events.sort(key=lambda e: e[0])
        updated = max(e[0] for e in events)

        year = received.year
        phone = f"09{rng.randint(0, 99999999):08d}"
        place = w.place[agency]
        citizen = person_name(rng)
        case = {
            "id": case_id,
            "code": self._code(prefix, year),
            "kind": kind,
            "status": status,
            "title": rng.choice(TITLES[kind]).format(p=place.split(",")[0]),
            "description": f"Công dân {citizen} trình bày sự việc, đề nghị xem xét giải quyết.",
            "channel": rng.choice(CHANNELS[kind]),
            "citizen_name": citizen,
            "citizen_phone": phone,
            "phone_digits": phone,
            "citizen_email": None,
            "citizen_address": f"{rng.choice(STREETS)} {rng.choice(SYLLABLES)}, {place}",
            "citizen_id_number": f"0{rng.randint(10**10, 10**11 - 1)}"
            if rng.random() < 0.5
            else None,
            "agency_id": agency,
            "assignee_id": officer if accepted else None,
            "procedure": rng.choice(PROCEDURES) if kind == "dossier" else None,
            "complexity": complexity,
            "remote_area": agency in w.remote,
            "received_at": received,
            "accepted_at": accepted,
            "resolved_at": resolved,
            "closed_at": closed,
            "due_at": due,
            "resolved_due_at": resolved_due,
            "clock_started_at": accepted or (start if status == "received" else None),
            "paused_at": paused,
            "policy_version": POLICY[kind],
            "extensions_used": extensions,
            "date_reset_used": kind == "dossier" and level >= 2 and rng.random() < 0.5,
            "transfer_count": transfers,
            "ping_pong": ping_pong,
            "escalation_level": level,
            "long_pending": long_pending,
            "next_action_at": next_action,
            "idempotency_key": None,
            "idempotency_hash": None,
            "created_by_id": w.clerk.get(agency),
            "version": len(events),
            "updated_at": updated,
        }
        return case, self._event_rows(case_id, agency, events) if self.with_events else []

    def _event_rows(self, case_id: int, agency: int, events: list[tuple]) -> list[dict]:
        rows = []
        for at, action, from_status, to_status, actor, data in events:
            rows.append(
                {
                    "id": self.next_event_id,
                    "case_id": case_id,
                    "at": at,
                    "actor_id": actor,
                    "action": action,
                    "from_status": from_status,
                    "to_status": to_status,
                    "agency_id": agency,
                    "data": json.dumps(data, ensure_ascii=False) if data else "{}",
                }
            )
            self.next_event_id += 1
        return rows
