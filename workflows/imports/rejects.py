"""The refused rows of an import, as a file the desk fixes and imports again, and the words
of the report."""

import csv
import io

from workflows.imports.reading import COLUMNS, IGNORED
from workflows.imports.writing import ImportReport


def rejects_file(report: ImportReport, *, xlsx: bool) -> bytes:
    """The refused rows with the register's columns, then their line and reasons (columns the
    import ignores, so the fixed file can be imported as it is)."""
    header = [*COLUMNS, *IGNORED]
    rows = [
        [refusal.row.get(name, "") for name in COLUMNS]
        + [str(refusal.line), "; ".join(refusal.reasons)]
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


def summary(report: ImportReport, *, check_only: bool) -> list[str]:
    """The lines the command line prints and the admin page shows after the rows' faults."""
    lines = [f"rows read: {report.rows}"]
    if check_only:
        lines.append(f"rows that would be imported: {report.accepted}")
    else:
        lines.append(f"rows imported: {report.imported}")
    if report.by_status:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(report.by_status.items()))
        lines.append(f"  by status: {counts}")
    lines.append(f"rows skipped (imported before): {len(report.skipped)}")
    lines.append(f"rows refused: {len(report.refused)}")
    if report.refused and not check_only and not report.written:
        lines.append("nothing was written: fix the refused rows, or import with --partial")
    return lines


def fault_lines(report: ImportReport) -> list[str]:
    """One line per refused row: its line number, its source_ref and every reason."""
    return [
        f"line {r.line} ({r.row.get('source_ref') or 'no source_ref'}): {'; '.join(r.reasons)}"
        for r in report.refused
    ]
