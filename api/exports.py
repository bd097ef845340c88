"""CSV and XLSX downloads of any table of rows (a case list, a report, an agenda), written as
a Vietnamese office reads them (docs/reports.md, "Exports").

Values keep their type until written: an instant is written in local time (core/clock.py),
`dd/mm/yyyy HH:MM` in a CSV and a real date cell formatted so in an XLSX; a `Percent` is
`87,5%` in a CSV and a number formatted as a percentage in an XLSX; other fractions get a
decimal comma in a CSV and stay numbers in an XLSX. A CSV is UTF-8 with a byte-order mark,
so that Excel shows Vietnamese.

Every text cell that a spreadsheet program would read as a formula (it starts with `=`,
`+`, `-`, `@`, a tab or a carriage return) is written with a leading apostrophe (OWASP's
CSV-injection rule), and XLSX text cells are typed as text, never as formulas: a citizen's
name `=cmd|...` or a title `=HYPERLINK(...)` stays text in both formats.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from babel.numbers import format_decimal, format_percent
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.clock import local_time

Format = Literal["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_LOCALE = "vi"  # decimal comma, as a Vietnamese office writes numbers
DATETIME_TEXT, DATE_TEXT = "%d/%m/%Y %H:%M", "%d/%m/%Y"
DATETIME_CELL, DATE_CELL = "dd/mm/yyyy hh:mm", "dd/mm/yyyy"
PERCENT_CELL, DECIMAL_CELL = "0.0%", "0.00"
MAX_WIDTH = 60


class Percent(float):
    """A share from 0 to 1, written as a percentage."""


@dataclass(frozen=True)
class Sheet:
    """One table: a sheet of an XLSX, a section of a CSV (after a blank row and its title)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def neutralise(text: str) -> str:
    """The text with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(value: Any) -> str:
    """The value as a CSV cell shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        instant = local_time(value) if value.tzinfo else value
        return instant.strftime(DATETIME_TEXT)
    if isinstance(value, date):
        return value.strftime(DATE_TEXT)
    if isinstance(value, Percent):
        return format_percent(value, "#,##0.0%", locale=NUMBER_LOCALE)
    if isinstance(value, float):
        return format_decimal(value, "#,##0.##", locale=NUMBER_LOCALE, group_separator=False)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The tables one under the other, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
            writer.writerow([neutralise(sheet.title)])
        writer.writerow([neutralise(h) for h in sheet.headers])
        for row in sheet.rows:
            writer.writerow([as_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value: Any) -> Any:
    """A typed cell: text stays text, instants are local date cells, shares percentages."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, bool | str):
        cell = WriteOnlyCell(sheet, value=as_text(value))
        cell.data_type = "s"  # text, whatever its first character
        return cell
    if isinstance(value, datetime):
        instant = local_time(value) if value.tzinfo else value
        cell = WriteOnlyCell(sheet, value=instant.replace(tzinfo=None, second=0, microsecond=0))
        cell.number_format = DATETIME_CELL
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_CELL
        return cell
    if isinstance(value, float):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = PERCENT_CELL if isinstance(value, Percent) else DECIMAL_CELL
        return cell
    return _xlsx_cell(sheet, str(value))


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per table: a bold, frozen header row with filters; columns as wide as
    their longest text."""
    workbook = Workbook(write_only=True)
    for table in sheets:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        rows = [list(row) for row in table.rows]
        widths = [len(h) for h in table.headers]
        for row in rows:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], min(len(as_text(value)), MAX_WIDTH))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH) + 2
        sheet.freeze_panes = "A2"
        if rows:  # the header row's filter buttons, over every row
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(rows) + 1}"
        header = []
        for text in table.headers:
            cell = _xlsx_cell(sheet, text)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: 31 characters, none of []:*?/\\."""
    cleaned = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in title).split())
    return cleaned[:31] or "Sheet1"


def download_sheets(fmt: Format, filename: str, sheets: Sequence[Sheet]) -> Response:
    """A file download of the tables in the asked format."""
    if fmt == "csv":
        body, media = csv_bytes(sheets), "text/csv; charset=utf-8"
    else:
        body, media = xlsx_bytes(sheets), XLSX_TYPE
    disposition = f'attachment; filename="{filename}.{fmt}"'
    return StreamingResponse(
        iter([body]), media_type=media, headers={"Content-Disposition": disposition}
    )


def download(
    fmt: Format, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """A file download of one table in the asked format."""
    return download_sheets(fmt, filename, [Sheet(filename, headers, rows)])
