"""The /mail page's listing of the mail folder: the whole folder reread on every request
(before) against the listing kept until the folder changes (notifications/mailbox.py).

    .venv/bin/python -m bench.mail_folder [--mails 1000 3000] [--repeats 10]

For each size: a folder of real-looking .eml files (Vietnamese subject, text and HTML parts;
100 distinct messages, numbered; one in ten to the reader, the rest to nine other officers),
then, on the same folder, what the page does for an officer: before, the code of main at
e2c3cb4 (parse the headers of the newest 3,000 files, filter by address, keep 300); after,
`mailbox.mail_to` and the first page of 50, cold (the first request of the process), warm
(folder unchanged) and after one new mail (the folder's time moved: the names are listed
again, only the new file is read). Prints p50 and p95 in ms and the ratio before/after;
writes bench/results/mail-folder.json.
"""

import argparse
import itertools
import os
import statistics
import tempfile
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime, getaddresses
from pathlib import Path

from bench.common import percentile, write_result
from core.clock import LOCAL_TZ
from notifications import mailbox

READER = "officer0@example.gov.vn"
PAGE_SIZE, OLD_MAX_LISTED = 50, 300
OLD_BODY = "Kính gửi đồng chí,\n\nHồ sơ sắp đến hạn giải quyết. " * 20


def _message(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Đôn Đốc <dondoc@localhost>"
    message["To"] = f"Cán bộ {number % 10} <officer{number % 10}@example.gov.vn>"
    message["Subject"] = f"[Đôn Đốc] Nhắc hạn: hồ sơ KN-2026-{number:06d} đến hạn 04/03/2026"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ))
    message["X-Dondoc-Notification"] = "NOTIFICATION"
    message.set_content(OLD_BODY)
    message.add_alternative(f"<html><body><p>{OLD_BODY}</p></body></html>", subtype="html")
    return bytes(message)


MESSAGES = [_message(number) for number in range(100)]  # built once: writing stays cheap


def write_mail(folder: Path, number: int) -> None:
    body = MESSAGES[number % 100].replace(b"NOTIFICATION", str(number).encode())
    (folder / f"{number:08d}.eml").write_bytes(body)


def before(folder: Path) -> list:
    """The page at e2c3cb4: list_mail(limit=3000) rereading every file, then the filter."""
    parser = BytesHeaderParser(policy=policy.default)
    listed = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[: OLD_MAX_LISTED * 10]:
        with path.open("rb") as handle:
            headers = parser.parse(handle)
        listed.append((path.name, str(headers.get("Subject", "")), str(headers.get("To", ""))))
    mine = [m for m in listed if READER in {a.lower() for _n, a in getaddresses([m[2]])}]
    return mine[:OLD_MAX_LISTED]


def after(folder: Path) -> list:
    return mailbox.mail_to(folder, READER)[:PAGE_SIZE]


def timed(call, repeats: int, between=None) -> list[float]:
    times = []
    for _ in range(repeats):
        if between:
            between()
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(size: int, repeats: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="dondoc-mail-") as name:
        folder = Path(name)
        for number in range(1, size + 1):
            write_mail(folder, number)
        old = time.time() - 3600  # the folder settled an hour ago
        os.utime(folder, (old, old))
        mailbox._indexes.clear()
        cold = timed(lambda: after(folder), 1)[0]
        figures = {
            "mails": size,
            "before": timed(lambda: before(folder), repeats),
            "after_warm": timed(lambda: after(folder), repeats),
        }
        added = itertools.count(size + 1)

        def one_new_mail():
            number = next(added)
            write_mail(folder, number)
            moved = old + number  # the folder's time moves (and is long settled)
            os.utime(folder, (moved, moved))

        figures["after_new_mail"] = timed(lambda: after(folder), repeats, one_new_mail)
    summary = {"mails": size, "after_cold_ms": round(cold, 1)}
    for key in ("before", "after_warm", "after_new_mail"):
        summary[f"{key}_p50_ms"] = round(statistics.median(figures[key]), 2)
        summary[f"{key}_p95_ms"] = round(percentile(figures[key], 95), 2)
    summary["ratio_before_after_warm"] = round(
        summary["before_p50_ms"] / summary["after_warm_p50_ms"], 1
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    results = []
    for size in args.mails:
        result = run(size, args.repeats)
        results.append(result)
        print(result)
    print("load average:", os.getloadavg())
    write_result("mail-folder", {"runs": results, "load_average": os.getloadavg()})


if __name__ == "__main__":
    main()
