"""The gettext catalogues: every text of the code is in them, every one has Vietnamese words,
and the words the pages show for stored values cover every value they can meet."""

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from api import i18n
from api.labels import label, labels
from models import (
    CaseKind,
    CaseStatus,
    Channel,
    Complexity,
    ConclusionOutcome,
    InboxState,
    InspectionKind,
    MeasureKind,
    Role,
)
from workflows.cases import lifecycle
from workflows.reports import summary

ROOT = Path(__file__).resolve().parents[2]
POT = i18n.LOCALE_DIR / "messages.pot"


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def ids(catalog) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_every_message_has_a_vietnamese_translation():
    catalog = read(i18n.po_path("vi"))
    untranslated = [
        m.id
        for m in catalog
        if m.id
        and (
            m.fuzzy
            or not (all(m.string) if isinstance(m.string, tuple | list) else m.string.strip())
        )
    ]
    assert untranslated == []
    assert len(catalog) > 250


def test_translations_keep_their_placeholders():
    """`%(code)s` in the English must be in the Vietnamese too (Babel's own checkers)."""
    catalog = read(i18n.po_path("vi"))
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_catalogue_holds_every_text_of_the_templates_and_the_code(tmp_path):
    """Extract as docs/translations.md says, into a temp dir, and compare."""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(fresh), str(ROOT)]
    )
    in_code = ids(read(fresh))
    assert ("menu", "Log a petition") in in_code  # templates (pgettext)
    assert (
        None,
        "Due: the end of %(day)s (24:00, Civil Code 2015 Art. 148.6).",
    ) in in_code  # workflows/ (the explanation)
    assert (None, "Choose the team leader.") in in_code  # page modules (N_)
    assert in_code - ids(read(POT)) == set(), "run pybabel extract (docs/translations.md)"
    for lang in i18n.LANGUAGES:
        in_po = ids(read(i18n.po_path(lang)))
        assert in_code - in_po == set(), f"run pybabel update for {lang}"
        assert in_po - in_code == set(), f"{lang} holds texts the code no longer uses"


@pytest.mark.parametrize(
    ("group", "values"),
    [
        ("status", list(CaseStatus)),
        ("kind", list(CaseKind)),
        ("channel", list(Channel)),
        ("complexity", list(Complexity)),
        ("role", list(Role)),
        ("home", list(Role)),
        # the timeline shows every event's action: the lifecycle's, and those the sweep,
        # inspections and reorganisation record
        (
            "action",
            [
                "receive",
                *lifecycle.PUBLIC_ACTIONS,
                "conclude",
                "reorganise",
                "reminder",
                "escalation",
                "escalation_acknowledged",
                "flagged_for_inspection",
            ],
        ),
        ("inbox", list(InboxState)),
        ("insp.kind", list(InspectionKind)),
        ("insp.outcome", list(ConclusionOutcome)),
        ("measure", list(MeasureKind)),
        ("age", [key for key, _, _ in summary.AGE_BUCKETS]),
        ("note", [summary.NOTE_NO_INSPECTIONS]),
    ],
)
def test_every_stored_value_a_page_shows_has_words(group, values):
    vi, en = labels("vi")[group], labels("en")[group]
    assert sorted(str(v) for v in values if str(v) not in vi) == []
    assert sorted(str(v) for v in values if str(v) not in en) == []
    assert all(vi[str(v)] != en[str(v)] for v in values)


def test_a_label_in_both_languages():
    assert label("vi", "status", CaseStatus.on_hold) == "Chờ bổ sung hồ sơ"
    assert label("en", "status", CaseStatus.on_hold) == "Waiting for documents"
    assert label("vi", "status", "not_a_status") == "not_a_status"


def test_a_fuzzy_translation_shows_the_english(tmp_path):
    """A translation marked fuzzy by `pybabel update` is not used, as `pybabel compile`
    would do: the page shows the English until someone checks it."""
    text = i18n.po_path("vi").read_text(encoding="utf-8")
    marked = text.replace('msgid "Case queue"', '#, fuzzy\nmsgid "Case queue"', 1)
    assert marked != text
    po = tmp_path / "messages.po"
    po.write_text(marked, encoding="utf-8")
    gettext = i18n.load_translations(po).gettext
    assert gettext("Case queue") == "Case queue"
    assert gettext("Reports") == "Báo cáo"
    assert i18n.translations("vi").gettext("Case queue") == "Hồ sơ cần xử lý"


def test_no_template_calls_the_old_key_translator():
    """`t('nav.queue')` is gone: a template still calling it would fail to render."""
    import re

    calls = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "api" / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"(?<![\w.])t\(", line)
    ]
    assert calls == []
