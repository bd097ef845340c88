"""A real IMAP server for the mailbox tests: Debian's Dovecot, started by the test in a temp
folder of its own (/work/shared/TECH-NOTES.md), on a free port, with a plain-text login.

Tests skip, saying why, only when no `dovecot` can be found (`.ci/run` installs
dovecot-imapd); any other failure to start is a failure.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from imap_tools import AND, MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
USER, PASSWORD = "phananh@agency.example.vn", "mat-khau-hop-thu"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 100
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ImapServer:
    folder: Path
    port: int
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD

    @property
    def config(self) -> Path:
        return self.folder / "dovecot.conf"

    def start(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config)], check=True, timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not listen: " + self.log())

    def stop(self) -> None:
        subprocess.run([DOVEADM, "-c", str(self.config), "stop"], timeout=30, check=False,
                       capture_output=True)  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    time.sleep(0.1)
            except OSError:
                return

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    @contextmanager
    def client(self):
        with MailBoxUnencrypted(self.host, self.port, timeout=10).login(
            self.user, self.password
        ) as box:
            yield box

    def deliver(self, raw: bytes, arrived: datetime | None = None) -> None:
        """Put a message in the INBOX as a mail server would (unseen), arrived at `arrived`."""
        with self.client() as box:
            box.append(raw, "INBOX", dt=arrived, flag_set=())

    def unseen(self) -> int:
        with self.client() as box:
            return len(box.uids(AND(seen=False)))

    def seen(self) -> int:
        with self.client() as box:
            return len(box.uids(AND(seen=True)))


@contextmanager
def imap_server() -> Iterator[ImapServer]:
    """A running Dovecot with one mailbox (USER, PASSWORD), stopped and removed afterwards.
    Its folder is a fresh one under /tmp readable by the `dovecot` user (pytest's own
    temporary folders are private to root)."""
    if DOVECOT is None:
        pytest.skip("dovecot not found: apt-get install dovecot-imapd (.ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="dondoc-imap-"))
    os.chmod(folder, 0o755)
    server = ImapServer(folder=folder, port=_free_port())
    for sub in ("run", "state", "mail"):
        (folder / sub).mkdir(exist_ok=True)
    server.config.write_text(CONFIG.format(d=folder, port=server.port))
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    subprocess.run(["chown", "-R", "dovecot:dovecot", str(folder / "mail")], check=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
