"""Registers for the import tests: thousands of good rows, and one row per fault the check
must name (with the words the report must use)."""

import csv
import io
import random

from workflows.imports.reading import COLUMNS

KINDS = ("complaint", "denunciation", "petition", "dossier")
CHANNELS = ("in_person", "hotline", "email", "online")
STATUSES = ("received", "accepted", "on_hold", "resolved", "closed", "declined", "withdrawn")


def good_rows(count: int, *, agency_ids: list[int], prefix: str = "SO") -> list[dict[str, str]]:
    """`count` valid rows received between 2019 and 2026, every kind and status."""
    rng = random.Random(16)
    rows = []
    for n in range(count):
        status = STATUSES[n % len(STATUSES)]
        year = rng.randint(2019, 2025)
        received = f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/{year}"
        resolved = f"{rng.randint(1, 28):02d}/{rng.randint(7, 12):02d}/{year}"
        rows.append(
            {
                "source_ref": f"{prefix}-{n:06d}",
                "kind": KINDS[n % len(KINDS)],
                "title": f"Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất số {n}",
                "description": "Công dân phản ánh việc chậm giải quyết",
                "channel": CHANNELS[n % len(CHANNELS)],
                "citizen_name": "Nguyễn Thị Hoà",
                "citizen_phone": f"09{n:08d}",
                "citizen_email": "" if n % 3 else f"dan{n}@example.vn",
                "citizen_address": "Xã Hùng Sơn, huyện Đại Từ",
                "citizen_id_number": "" if n % 2 else f"0190{n % 100:02d}{n:06d}",
                "agency": str(agency_ids[n % len(agency_ids)]),
                "received_at": received if n % 5 else f"{year}-03-04T09:15:00",
                "status": status,
                "resolved_at": resolved if status in ("resolved", "closed") else "",
                "procedure_code": "",
            }
        )
    return rows


# One faulty row per fault: the changes to a good row, and words the report must show.
FAULTS = {
    "unknown agency": ({"agency": "UBND xã Không Tồn Tại"}, "unknown agency"),
    "future date": ({"received_at": "01/01/2099"}, "lies in the future"),
    "unreadable date": ({"received_at": "31/02/2020"}, "is not a date"),
    "bad phone": ({"citizen_phone": "gọi sau"}, "is not a phone number"),
    "bad CCCD length": ({"citizen_id_number": "12345"}, "exactly 12 digits"),
    "bad CCCD province": ({"citizen_id_number": "003099012345"}, "province code"),
    "bad CCCD century": ({"citizen_id_number": "001799012345"}, "century"),
    "unknown kind": ({"kind": "khieu_nai"}, "unknown kind"),
    "unknown status": ({"status": "pending"}, "unknown status"),
    "unknown channel": ({"channel": "fax"}, "unknown channel"),
    "resolved without date": ({"status": "resolved", "resolved_at": ""}, "needs its resolved_at"),
    "resolved before received": (
        {"status": "closed", "received_at": "05/05/2020", "resolved_at": "01/05/2020"},
        "before received_at",
    ),
    "open with a resolution date": (
        {"status": "accepted", "resolved_at": "01/05/2024"},
        "the case is open",
    ),
    "empty title": ({"title": ""}, "title is empty"),
    "bad email": ({"citizen_email": "not-an-address"}, "not an email address"),
}


def faulty_rows(*, agency_ids: list[int]) -> list[tuple[str, dict[str, str], str]]:
    """(fault, row, words) for each fault, and a duplicate source_ref of the first good row."""
    base = good_rows(len(FAULTS), agency_ids=agency_ids, prefix="LOI")
    rows = []
    for (fault, (change, words)), row in zip(FAULTS.items(), base, strict=True):
        rows.append((fault, {**row, **change}, words))
    duplicate = {**base[0], "source_ref": "SO-000000"}
    rows.append(("duplicate source_ref", duplicate, "is already used on line 2"))
    return rows


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cp1258_bytes(text: str) -> bytes:
    """`text` as Windows writes it in code page 1258: a letter the code page lacks becomes its
    base letter (with its circumflex, breve or horn where the code page has that letter) and
    the tone mark as a combining character. Python's codec does not decompose by itself."""
    import unicodedata

    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
        out += (letter + "".join(tones)).encode("cp1258")
    return bytes(out)
