"""CSV and XLSX downloads of any table of rows (a case list, a report, an agenda).

Every text cell that a spreadsheet program would read as a formula (it starts with `=`,
`+`, `-`, `@`, a tab or a carriage return) is written with a leading apostrophe (OWASP's
CSV-injection rule), and XLSX text cells are typed as text, never as formulas: a citizen's
name `=cmd|...` or a title `=HYPERLINK(...)` stays text in both formats.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

Format = Literal["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: write the instant as an ISO string with its offset.
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, dict | list):
        return neutralise(str(value))
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet1")
    widths = [len(h) for h in headers]
    buffered = []
    for row in rows:
        values = [_cell(v) for v in row]
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value)) if value is not None else 0, 60))
        buffered.append(values)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.append([_text_cell(sheet, neutralise(h)) for h in headers])
    for values in buffered:
        sheet.append([_text_cell(sheet, v) if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell typed as text, whatever its first character."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def download(
    fmt: Format, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """A file download of the rows in the asked format."""
    if fmt == "csv":
        body, media = csv_bytes(headers, rows), "text/csv; charset=utf-8"
    else:
        body, media = xlsx_bytes(headers, rows, title=filename), XLSX_TYPE
    disposition = f'attachment; filename="{filename}.{fmt}"'
    return StreamingResponse(
        iter([body]), media_type=media, headers={"Content-Disposition": disposition}
    )
