"""The tables of the downloads: a case list and the summary report, as a head files them.

Headers are bilingual, Vietnamese first ("Mã hồ sơ / Code"), as the inspection agenda's:
the same columns whoever downloads, so a file passed between offices reads the same. The
values are words, not codes: agencies and officers by name, a kind, a status or a channel in
the reader's language (api/labels.py), instants as local times (api/exports.py writes them).
A denouncer's name only where the reader was shown it (workflows/cases/confidentiality.py).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, select

from api.exports import Percent, Sheet
from api.i18n import translations
from api.labels import label
from models import Agency, Case, CaseFeedback, User
from workflows.cases.confidentiality import HIDDEN_BOTH, hidden
from workflows.deadlines.overdue import is_overdue
from workflows.feedback.rating import AgencySatisfaction
from workflows.reports.summary import Summary

CHUNK = 1000  # ids per IN (…): SQLite binds at most 32,766 values, PostgreSQL 65,535

CASE_HEADERS = (
    "STT / No.",
    "Mã hồ sơ / Code",
    "Loại / Kind",
    "Trạng thái / Status",
    "Nội dung / Title",
    "Kênh tiếp nhận / Channel",
    "Cơ quan / Agency",
    "Người xử lý / Assignee",
    "Công dân / Citizen",
    "Ngày nhận / Received",
    "Ngày thụ lý / Accepted",
    "Hạn xử lý / Due",
    "Quá hạn / Overdue",
    "Ngày giải quyết / Resolved",
    "Hạn khi giải quyết / Due when resolved",
    "Mức đôn đốc / Escalation level",
    "Số lần gia hạn / Extensions",
    "Số lần chuyển / Transfers",
    "Chuyển qua lại / Bounced between agencies",
    "Tồn đọng kéo dài / Long pending",
    "Điểm đánh giá (1–5) / Rating (1–5)",
)
SUMMARY_HEADERS = ("Chỉ tiêu / Figure", "Giá trị / Value")
SATISFACTION_HEADERS = (
    "Cơ quan / Agency",
    "Số lượt đánh giá / Ratings",
    "Điểm trung bình (1–5) / Average score (1–5)",
    "Tỷ lệ hài lòng (4–5) / Share satisfied (4–5)",
)


def _lookup(session: Session, key, value, ids: Iterable[int]) -> dict[int, object]:
    """`key` → `value` for the distinct `ids`, a chunk of ids per statement."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, object] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(session.execute(select(key, value).where(key.in_(chunk))).all())
    return found


def case_rows(
    *, session: Session, cases: Sequence[Case], shown: frozenset[int], lang: str, now: datetime
) -> list[list]:
    """The cases as rows of CASE_HEADERS."""
    agencies = _lookup(session, Agency.id, Agency.name, (c.agency_id for c in cases))
    officers = _lookup(session, User.id, User.full_name, (c.assignee_id for c in cases))
    scores = _lookup(session, CaseFeedback.case_id, CaseFeedback.score, (c.id for c in cases))
    return [
        [
            number,
            c.code,
            label(lang, "kind", c.kind),
            label(lang, "status", c.status),
            c.title,
            label(lang, "channel", c.channel),
            agencies.get(c.agency_id, ""),
            officers.get(c.assignee_id, ""),
            HIDDEN_BOTH if hidden(c, shown) else c.citizen_name,
            c.received_at,
            c.accepted_at,
            c.due_at,
            is_overdue(case=c, now=now),
            c.resolved_at,
            c.resolved_due_at,
            c.escalation_level,
            c.extensions_used,
            c.transfer_count,
            c.ping_pong,
            c.long_pending,
            scores.get(c.id),
        ]
        for number, c in enumerate(cases, start=1)
    ]


def summary_sheets(
    *, result: Summary, scope_name: str | None, per_agency: list[AgencySatisfaction], lang: str
) -> list[Sheet]:
    """The summary's figures (one per row, in the reader's language), then the citizens'
    satisfaction of each agency rated in the period."""
    tr = translations(lang)
    _, pgettext = tr.gettext, tr.pgettext
    fig = lambda key: label(lang, "fig", key)  # noqa: E731
    rows: list[tuple[str, object]] = [
        (pgettext("report", "From"), result.period_from),
        (pgettext("report", "To"), result.period_to),
        (_("Scope"), scope_name or _("All agencies")),
        (pgettext("report", "As of"), result.as_of),
        *((fig(key), getattr(result, key)) for key in ("received", "resolved", "resolved_on_time")),
        (fig("on_time_rate"), _percent(result.on_time_rate)),
        (fig("overdue_now"), result.overdue_now),
        (fig("open_now"), result.open_now),
        *(
            (f"{fig('open_now')} · {label(lang, 'age', key)}", value)
            for key, value in result.backlog_by_age.items()
        ),
        *(
            (fig(key), getattr(result, key))
            for key in ("transfers", "ping_pong_open", "escalations", "escalated_open")
        ),
        (fig("inspections"), result.inspections),
        *((label(lang, "measure", kind), n) for kind, n in result.measures_by_kind.items()),
    ]
    sat = result.satisfaction
    satisfaction = _("Citizens' satisfaction")
    rows += [
        (f"{satisfaction} · {_('Ratings')}", sat.get("responses", 0)),
        (f"{satisfaction} · {_('Average score (1–5)')}", sat.get("average_score")),
        (f"{satisfaction} · {_('Share satisfied (4–5)')}", _percent(sat.get("share_satisfied"))),
    ]
    rows += [(label(lang, "note", note), None) for note in result.notes]
    agencies = [
        (a.name, a.responses, a.average_score, Percent(a.share_satisfied)) for a in per_agency
    ]
    return [
        Sheet(_("Summary report"), SUMMARY_HEADERS, rows),
        Sheet(_("Satisfaction by agency"), SATISFACTION_HEADERS, agencies),
    ]


def _percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)
