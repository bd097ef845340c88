"""Delivery rate to a local aiosmtpd: our deliverer against a bare smtplib loop.

All send the same messages to the same server (aiosmtpd in its own process, so it does
not share our GIL). Ours includes everything a real run does: claiming rows, rendering the
templates, building MIME through `emails`, one SMTP connection per batch, and committing
each outcome with its ledger row and case event. Two baselines over one smtplib
connection, both given the rendered subject, text and HTML for free:
  - "bare smtplib loop": builds each message with the standard library's EmailMessage
    and sends it (what a hand-written sender does), the baseline of the target ratio;
  - "prebuilt bytes": only sends bytes built beforehand (the transport's floor).

    python bench/delivery.py [--count 2000] [--batch-size 100] [--database-url URL]
"""

import argparse
import json
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, select  # noqa: E402

from bench.common import PG_BASE, scratch_database  # noqa: E402
from core.settings import Settings  # noqa: E402
from migrations import upgrade  # noqa: E402
from models import Agency, Case, CaseKind, CaseStatus, Channel, Notification  # noqa: E402
from models.db import make_engine  # noqa: E402
from notifications.delivery import deliver_due  # noqa: E402
from notifications.outbox import enqueue  # noqa: E402
from notifications.render import render  # noqa: E402
from notifications.transport import build_message  # noqa: E402
from workflows.deadlines.mail_facts import case_context  # noqa: E402

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: queued"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(engine, count: int) -> None:
    with Session(engine) as session:
        agency = Agency(name="UBND phường Hòa Khánh Bắc")
        session.add(agency)
        session.flush()
        case = Case(
            code=f"KN-2026-{uuid.uuid4().hex[:6]}",
            kind=CaseKind.complaint,
            status=CaseStatus.accepted,
            title="Khiếu nại về việc cấp giấy chứng nhận quyền sử dụng đất",
            channel=Channel.in_person,
            citizen_name="Trần Thị Bích Ngọc",
            agency_id=agency.id,
            received_at=NOW - timedelta(days=60),
            due_at=NOW - timedelta(days=12),
            updated_at=NOW,
        )
        session.add(case)
        session.flush()
        context = {"case": case_context(session=session, case=case, now=NOW, base_url="http://x")}
        for n in range(count):
            enqueue(
                session=session,
                key=f"bench:{uuid.uuid4().hex}",
                template="head_escalation",
                recipient=f"officer{n}@example.gov.vn",
                recipient_name=f"Nguyễn Văn Đức {n}",
                context=context,
                case_id=case.id,
                now=NOW,
            )
        session.commit()


def prebuilt(engine, settings: Settings) -> list[tuple[str, bytes, object, str]]:
    """The same messages, rendered beforehand, for the baselines."""
    with Session(engine) as session:
        rows = session.exec(select(Notification).order_by(Notification.id)).all()
        messages = []
        for row in rows:
            email = render(
                template=row.template, context=row.context, recipient_name=row.recipient_name
            )
            message = build_message(
                email=email,
                notification_id=row.id,
                key=row.idempotency_key,
                recipient=row.recipient,
                recipient_name=row.recipient_name,
                mail_from=settings.mail_from,
                now=NOW,
            )
            to = f"{row.recipient_name} <{row.recipient}>"
            messages.append((row.recipient, message.as_bytes(), email, to))
    return messages


def bytes_loop(port: int, messages) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for recipient, data, _email, _to in messages:
            client.sendmail("dondoc@localhost", [recipient], data)
    return time.perf_counter() - started


def bare_loop(port: int, messages, mail_from: str) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for recipient, _data, email, to in messages:
            message = EmailMessage()
            message["Subject"] = email.subject
            message["From"] = mail_from
            message["To"] = to
            message.set_content(email.text)
            message.add_alternative(email.html, subtype="html")
            client.send_message(message, "dondoc@localhost", [recipient])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(Path(__file__).parent / "results/delivery.json"))
    args = parser.parse_args()

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
    kind = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    try:
        with scratch_database(kind, args.database_url or PG_BASE) as url:
            upgrade(url)
            engine = make_engine(url)
            settings = Settings(
                database_url=url, var_dir=tmp, secret_key="bench", smtp_host="127.0.0.1",
                smtp_port=port,
            )  # fmt: skip
            seed(engine, args.count)
            messages = prebuilt(engine, settings)
            bytes_loop(port, messages[:50])  # warm up the server

            bytes_seconds = bytes_loop(port, messages)
            bare_seconds = bare_loop(port, messages, settings.mail_from)
            started = time.perf_counter()
            report = deliver_due(
                engine=engine, settings=settings, now=NOW, batch_size=args.batch_size
            )
            ours_seconds = time.perf_counter() - started
            assert report.sent == args.count, report
            engine.dispose()
    finally:
        sink.stdin.close()
        sink.wait(timeout=10)

    bytes_rate = args.count / bytes_seconds
    bare_rate = args.count / bare_seconds
    ours_rate = args.count / ours_seconds
    result = {
        "database": make_engine(url).dialect.name,
        "messages": args.count,
        "batch_size": args.batch_size,
        "bare_smtplib_per_second": round(bare_rate, 1),
        "prebuilt_bytes_per_second": round(bytes_rate, 1),
        "deliver_due_per_second": round(ours_rate, 1),
        "ratio": round(ours_rate / bare_rate, 3),
        "ratio_to_prebuilt_bytes": round(ours_rate / bytes_rate, 3),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(f"database            {result['database']}")
    print(f"messages            {args.count} (batches of {args.batch_size})")
    print(f"bare smtplib loop   {bare_rate:8.1f} msg/s  ({bare_seconds:.2f} s)")
    print(f"prebuilt bytes      {bytes_rate:8.1f} msg/s  ({bytes_seconds:.2f} s)")
    print(f"deliver_due         {ours_rate:8.1f} msg/s  ({ours_seconds:.2f} s)")
    print(f"ratio               {result['ratio']:.1%} of the bare smtplib loop")
    print(f"                    {result['ratio_to_prebuilt_bytes']:.1%} of sending prebuilt bytes")
    output = Path(args.output)
    results = json.loads(output.read_text()) if output.exists() else {}
    results[result["database"]] = result
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
