"""A bounded asyncio HTTP load generator: N concurrent clients, a fixed duration or count."""

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

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
    """`clients` coroutines send `request(client, i) -> (method, path, kwargs)` back to back.

    Requests finishing in the first `warmup` seconds are not measured; the run stops after
    `duration` measured seconds or `count` measured requests, whichever comes first.
    """
    result = LoadResult()
    numbers = itertools.count()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + duration
    done = asyncio.Event()

    async def worker(client_no: int, http: httpx.AsyncClient) -> None:
        while not done.is_set():
            method, path, kwargs = request(client_no, next(numbers))
            t0 = time.perf_counter()
            try:
                response = await http.request(method, path, **kwargs)
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
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

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:
        await asyncio.gather(*(worker(n, http) for n in range(clients)))
    result.seconds = min(time.perf_counter(), stop_at) - measure_from
    return result
