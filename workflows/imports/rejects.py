"""The refused rows of an import, as a file the desk fixes and imports again, and the words
of the report."""

import csv
import io
from collections.abc import Callable

from workflows.imports.reading import COLUMNS, IGNORED
from workflows.imports.reasons import english
from workflows.imports.writing import ImportReport

Gettext = Callable[[str], str]


def rejects_file(report: ImportReport, *, xlsx: bool, gettext: Gettext = english) -> bytes:
    """The refused rows with the register's columns, then their line and reasons in the
    reader's language (columns the import ignores, so the fixed file can be imported as it
    is)."""
    header = [*COLUMNS, *IGNORED]
    rows = [
        [refusal.row.get(name, "") for name in COLUMNS]
        + [str(refusal.line), "; ".join(reason.words(gettext) for reason in refusal.reasons)]
        for refusal in report.refused
    ]
    if xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("refused")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # with a BOM: Excel then reads it as UTF-8


def summary(
    report: ImportReport,
    *,
    check_only: bool,
    gettext: Gettext = english,
    status_name: Callable[[str], str] = str,
) -> list[str]:
    """The lines the command line prints (English) and the admin page shows (its language,
    statuses by their names) after the rows' faults."""
    _ = gettext
    lines = [_("rows read: %(n)s") % {"n": report.rows}]
    if check_only:
        lines.append(_("rows that would be imported: %(n)s") % {"n": report.accepted})
    else:
        lines.append(_("rows imported: %(n)s") % {"n": report.imported})
    if report.by_status:
        counts = ", ".join(
            f"{status_name(status)} {n}" for status, n in sorted(report.by_status.items())
        )
        lines.append("  " + _("by status: %(counts)s") % {"counts": counts})
    lines.append(_("rows skipped (imported before): %(n)s") % {"n": len(report.skipped)})
    lines.append(_("rows refused: %(n)s") % {"n": len(report.refused)})
    return lines


def fault_lines(report: ImportReport, gettext: Gettext = english) -> list[str]:
    """One line per refused row: its line number, its source_ref and every reason."""
    _ = gettext
    return [
        _("line %(line)s (%(ref)s): %(reasons)s")
        % {
            "line": r.line,
            "ref": r.row.get("source_ref") or _("no source_ref"),
            "reasons": "; ".join(reason.words(gettext) for reason in r.reasons),
        }
        for r in report.refused
    ]
