"""`dondoc import` on a register of thousands of rows with a fault of every kind."""

import sqlalchemy as sa

from dondoc.cli import main
from models import Case, CaseEvent, EscalationStep
from tests.factories import make_agency
from tests.register_rows import FAULTS, cp1258_bytes, csv_text, faulty_rows, good_rows, xlsx_bytes

GOOD = 2000


def _counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in (Case, CaseEvent, EscalationStep)
    )


def _register(session):
    province = make_agency(session, "UBND tỉnh Thái Nguyên")
    district = make_agency(session, "UBND huyện Đại Từ", parent=province)
    good = good_rows(GOOD, agency_ids=[province.id, district.id])
    good[1]["agency"] = "UBND huyện Đại Từ"  # by its exact name
    faults = faulty_rows(agency_ids=[province.id, district.id])
    return good, faults


def test_check_names_every_fault_by_line_and_writes_nothing(settings, session, tmp_path, capsys):
    good, faults = _register(session)
    path = tmp_path / "so-theo-doi.csv"
    path.write_text(csv_text(good + [row for _, row, _ in faults]), encoding="utf-8")

    status = main(["import", str(path), "--check"])

    out = capsys.readouterr().out
    assert status == 1
    assert len(faults) == len(FAULTS) + 1
    for offset, (fault, _row, words) in enumerate(faults):
        line = GOOD + 2 + offset  # the header is line 1
        reported = [x for x in out.splitlines() if x.startswith(f"line {line} ")]
        assert reported, f"{fault}: line {line} not reported"
        assert words in reported[0], f"{fault}: {reported[0]}"
    assert f"rows that would be imported: {GOOD}" in out
    assert f"rows refused: {len(faults)}" in out
    assert _counts(session) == (0, 0, 0)


def test_without_partial_nothing_is_half_imported(settings, session, tmp_path, capsys):
    good, faults = _register(session)
    path = tmp_path / "so.csv"
    path.write_text(csv_text(good + [faults[0][1]]), encoding="utf-8")

    assert main(["import", str(path)]) == 1

    assert "nothing was written" in capsys.readouterr().out
    assert _counts(session) == (0, 0, 0)


def test_partial_imports_good_rows_and_rerun_of_fixed_rejects(settings, session, tmp_path, capsys):
    good, faults = _register(session)
    path, rejects = tmp_path / "so.csv", tmp_path / "loi.csv"
    path.write_text(csv_text(good + [row for _, row, _ in faults]), encoding="utf-8")

    assert main(["import", str(path), "--partial", str(rejects)]) == 1
    cases, events, _ = _counts(session)
    assert cases == GOOD
    assert events >= 2 * GOOD  # a receive and an import event each, a resolve for resolved rows
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.count("\n") == len(faults) + 1
    assert "unknown agency" in text and "lies in the future" in text

    # The rerun is a no-op: every row imported before is skipped, nothing is written twice.
    capsys.readouterr()
    assert main(["import", str(path), "--partial", str(tmp_path / "again.csv")]) == 1
    out = capsys.readouterr().out
    assert f"rows skipped (imported before): {GOOD}" in out
    assert "rows imported: 0" in out
    assert _counts(session)[0] == GOOD

    # The desk fixes the rejects file (its extra columns are ignored) and imports it.
    import csv
    import io

    fixed = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["source_ref"] == "SO-000000":
            continue  # the duplicate: already in
        row.update(
            agency=good[0]["agency"], received_at="01/02/2021", kind="complaint",
            status="received", channel="hotline", resolved_at="", citizen_phone="0912000111",
            citizen_id_number="", citizen_email="", title=row["title"] or "Đơn bổ sung",
        )  # fmt: skip
        fixed.append(row)
    (tmp_path / "fixed.csv").write_text(csv_text_with(fixed), encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "fixed.csv")]) == 0, capsys.readouterr().out
    assert _counts(session)[0] == GOOD + len(FAULTS)


def csv_text_with(rows):
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_xlsx_register(settings, session, tmp_path, capsys):
    good, faults = _register(session)
    rows = good[:300] + [faults[3][1]]  # a bad phone
    path = tmp_path / "so.xlsx"
    path.write_bytes(xlsx_bytes(rows))

    assert main(["import", str(path), "--partial", str(tmp_path / "loi.xlsx")]) == 1

    out = capsys.readouterr().out
    assert "(xlsx)" in out
    assert "line 302 " in out and "is not a phone number" in out
    assert _counts(session)[0] == 300
    first = session.scalar(sa.select(Case).where(Case.source_ref == "SO-000000"))
    assert first.citizen_name == "Nguyễn Thị Hoà"
    assert first.citizen_id_number == good[0]["citizen_id_number"]


def test_windows_1258_csv(settings, session, tmp_path, capsys):
    good, _ = _register(session)
    path = tmp_path / "so-cp1258.csv"
    path.write_bytes(cp1258_bytes(csv_text(good[:50])))

    assert main(["import", str(path)]) == 0

    assert "cp1258" in capsys.readouterr().out
    titles = set(session.scalars(sa.select(Case.citizen_address)))
    assert titles == {"Xã Hùng Sơn, huyện Đại Từ"}


def test_utf8_bom_with_semicolons(settings, session, tmp_path, capsys):
    good, _ = _register(session)
    path = tmp_path / "so.csv"
    path.write_bytes(csv_text(good[:20]).replace(",", ";").encode("utf-8-sig"))

    assert main(["import", str(path)]) == 0
    assert _counts(session)[0] == 20


def test_unreadable_encoding_is_refused_with_advice(settings, session, tmp_path, capsys):
    _register(session)
    path = tmp_path / "so.csv"
    path.write_bytes(b"source_ref,kind\n\x81\x8d\x8f\x90,x\n")

    assert main(["import", str(path)]) == 2
    assert "CSV UTF-8" in capsys.readouterr().err


def test_the_template_files_import(settings, session, capsys):
    from pathlib import Path

    make_agency(session, "UBND huyện Đại Từ")
    for name in ("so-theo-doi.csv", "so-theo-doi.xlsx"):
        path = Path(__file__).parents[3] / "docs" / "templates" / name
        assert main(["import", str(path), "--check"]) == 0, capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    case = session.scalar(sa.select(Case).where(Case.source_ref == "SO-2020-0147"))
    assert case.citizen_id_number == "019085001234" and case.citizen_phone == "0912 345 678"
