"""How many requests the application works on at once.

Every request runs its database work in a worker thread; Python runs one thread at a time,
so beyond a few requests in flight more threads only take turns (each holding a database
connection, and row locks, while it waits for its turn). Requests beyond the limit wait in the
event loop, which costs nothing, until one finishes.
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send


class InFlightLimit:
    """ASGI middleware: at most `limit` HTTP requests are handled at once."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)
