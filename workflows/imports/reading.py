"""Reading a register: CSV (UTF-8 with or without BOM, UTF-16, Windows-1258) or XLSX, into
(line number, {column: text}) pairs. The line number is the one a spreadsheet shows."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import Invalid

COLUMNS = (
    "source_ref", "kind", "title", "description", "channel", "citizen_name", "citizen_phone",
    "citizen_email", "citizen_address", "citizen_id_number", "agency", "received_at", "status",
    "resolved_at", "procedure_code",
)  # fmt: skip
# Written by a rejects file after the register's columns; ignored when it is imported again.
IGNORED = ("refused_line", "reasons")
REQUIRED = ("source_ref", "kind", "title", "channel", "citizen_name", "agency", "received_at")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Register:
    """The rows of a file, its format and (for CSV) the encoding it was read in."""

    format: str
    encoding: str | None
    rows: list[tuple[int, dict[str, str]]]


def read_register(*, data: bytes, filename: str) -> Register:
    """Every row of a register file; Invalid when the file cannot be read as one."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return Register(format="xlsx", encoding=None, rows=list(_xlsx_rows(data)))
    text, encoding = decode(data)
    return Register(format="csv", encoding=encoding, rows=list(_csv_rows(text)))


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding found.

    UTF-8 (a BOM or none) and UTF-16 with its BOM (Excel's "Unicode text") are certain. Other
    bytes are read as Windows-1258, the Vietnamese Windows code page that offices' older
    exports use; bytes that code page leaves undefined, or text with no Vietnamese letter at
    all where UTF-8 failed, are refused. The legacy font encodings (TCVN3/ABC, VNI) cannot be
    told apart from Western text by their bytes: the refusal says how to convert them.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), (
            "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        )
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise Invalid(_UNREADABLE, code="import.encoding") from None
    import unicodedata

    text = unicodedata.normalize("NFC", text)  # cp1258 writes tone marks as combining characters
    if not any(ch in _VIETNAMESE for ch in text.lower()):
        raise Invalid(_UNREADABLE, code="import.encoding")
    return text, "cp1258"


_VIETNAMESE = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
_UNREADABLE = (
    "the file is neither UTF-8 nor Windows-1258 (Vietnamese) text: save it from Excel as "
    "'CSV UTF-8' or as .xlsx (files typed with TCVN3 or VNI fonts: convert them to Unicode "
    "first, e.g. with Unikey's converter)"
)


def _header(cells: list) -> list[str]:
    names = [str(c or "").strip().lower() for c in cells]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise Invalid(
            f"the header row lacks the column(s): {', '.join(missing)}",
            code="import.columns_missing",
        )
    unknown = [n for n in names if n and n not in COLUMNS and n not in IGNORED]
    if unknown:
        raise Invalid(
            f"unknown column(s) in the header row: {', '.join(unknown)}",
            code="import.columns_unknown",
        )
    return [n if n in COLUMNS else "" for n in names]


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = _header(next(reader))
    except StopIteration:
        raise Invalid("the file is empty", code="import.empty") from None
    except csv.Error as error:
        raise Invalid(f"line 1: not a CSV line ({error})", code="import.not_csv") from None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, _row(names, cells)
    except csv.Error as error:
        raise Invalid(
            f"line {reader.line_num}: not a CSV line ({error})", code="import.not_csv"
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise Invalid(f"not a readable XLSX workbook ({error})", code="import.not_xlsx") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise Invalid("the workbook's first sheet is empty", code="import.empty")
        names = _header(list(header))
        for line, cells in enumerate(rows, start=2):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            yield line, _row(names, [_cell_text(c, n) for c, n in zip(cells, names, strict=False)])
    finally:
        book.close()


# A phone number or a CCCD typed into a number cell lost its leading zero (every CCCD and
# every Vietnamese phone number begins with 0): the cell's number, padded back.
_NUMBER_WIDTH = {"citizen_phone": 10, "citizen_id_number": 12}


def _cell_text(value, name: str = "") -> str:
    """A cell as the text a CSV would carry: dates as ISO, whole numbers without '.0'."""
    if isinstance(value, int | float) and not isinstance(value, bool) and name in _NUMBER_WIDTH:
        return str(int(value)).zfill(_NUMBER_WIDTH[name])
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row(names: list[str], cells: list[str]) -> dict[str, str]:
    row = {name: "" for name in COLUMNS}
    for name, cell in zip(names, cells, strict=False):
        if name:
            row[name] = cell.strip()
    if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
        row["__extra__"] = "more cells than columns in the header"
    return row
