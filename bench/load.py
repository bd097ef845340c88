"""A bounded asyncio HTTP load generator: N concurrent keep-alive clients, fixed duration or
count; it stops by itself.

It speaks plain HTTP/1.1 over asyncio streams. httpx.AsyncClient was tried first and was
the bottleneck: against GET /healthz on this machine, 50 clients through httpx reached
30-115 requests/s (one shared pool, or one client each) where these raw streams reached
~950/s on the same server in the same minute.
"""

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.common import percentile


@dataclass
class LoadResult:
    requests: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_per_s": round(self.ok / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p99_ms": round(percentile(self.latencies_ms, 99), 1),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 1),
        }


class Connection:
    """One keep-alive HTTP/1.1 connection (responses with Content-Length only)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(payload)}"]  # fmt: skip
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def run_load(
    request: Callable[[int, int], tuple[str, str, dict]],
    *,
    base_url: str,
    clients: int = 50,
    duration: float = 20.0,
    count: int | None = None,
    warmup: float = 2.0,
    expect: int = 201,
) -> LoadResult:
    """`clients` coroutines send `request(client, i) -> (method, path, {"json", "headers"})`
    back to back, each on its own connection.

    Requests finishing in the first `warmup` seconds are not measured; the run stops after
    `duration` measured seconds or `count` measured requests, whichever comes first.
    """
    parts = urlsplit(base_url)
    result = LoadResult()
    numbers = itertools.count()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + duration
    done = asyncio.Event()

    async def worker(client_no: int) -> None:
        connection = Connection(parts.hostname, parts.port)
        try:
            while not done.is_set():
                method, path, kwargs = request(client_no, next(numbers))
                t0 = time.perf_counter()
                try:
                    status, _ = await connection.request(
                        method, path, kwargs.get("json"), kwargs.get("headers")
                    )
                except (OSError, asyncio.IncompleteReadError) as exc:
                    status = type(exc).__name__
                    await connection.close()
                    connection = Connection(parts.hostname, parts.port)
                t1 = time.perf_counter()
                if t1 >= stop_at:
                    done.set()
                if t0 < measure_from or t1 > stop_at:
                    continue
                result.requests += 1
                if status == expect:
                    result.ok += 1
                    result.latencies_ms.append((t1 - t0) * 1000)
                else:
                    result.errors[str(status)] = result.errors.get(str(status), 0) + 1
                if count is not None and result.requests >= count:
                    done.set()
        finally:
            await connection.close()

    await asyncio.gather(*(worker(n) for n in range(clients)))
    result.seconds = min(time.perf_counter(), stop_at) - measure_from
    return result
