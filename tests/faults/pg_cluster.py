"""A throw-away PostgreSQL cluster of a test's own, which it may stop and start (the shared
server on 5432 must stay up). initdb refuses to run as root: it runs as `postgres`."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.faults.live import free_port

BIN_DIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started here, or None."""
    if not BIN_DIRS:
        return "initdb/pg_ctl not found in /usr/lib/postgresql/*/bin"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no 'postgres' user to run initdb as"
    if os.geteuid() != 0:
        return "starting a cluster as the postgres user needs root (runuser)"
    return None


class Cluster:
    def __init__(self):
        self.bin = Path(BIN_DIRS[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="dondoc-pg-", dir="/tmp"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        shutil.chown(self.dir, "postgres", "postgres")

    def _as_postgres(self, *command: str, timeout: float = 120) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def init(self) -> "Cluster":
        self._as_postgres(str(self.bin / "initdb"), "-A", "trust", "-U", "postgres",
                          "-D", str(self.data))  # fmt: skip
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.dir / "server.log"), "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: open connections are cut, as in a failover)."""
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode,
                          "-w", "stop")  # fmt: skip

    def remove(self) -> None:
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            try:
                self.stop("immediate")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
