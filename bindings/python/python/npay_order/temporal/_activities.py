"""The read activity: one step of the core's cursor per call, in a worker process.

Credentials never enter Temporal: the activity asks the user's resolver for them, in the worker,
and keeps one client per account for the life of the process, so that its token (cached by the
core client) is reused by every later activity of that account on this worker.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

from temporalio import activity

from .. import AsyncClient
from .._errors import AuthenticationError
from .._native import cursor_caught_up, cursor_starting_at, read_window_page
from ._types import READ_ACTIVITY, ReadInput, ReadResult

#: The fields an ``ids_only`` event keeps: no buyer data, no payloads.
_ID_FIELDS = ("id", "account", "productOrderId", "lastChangedType", "lastChangedDate", "attempt")


@dataclass(frozen=True)
class Credentials:
    """What the resolver answers for an account. ``client_id`` defaults to the account."""

    client_secret: str
    client_id: Optional[str] = None
    #: ``None`` = the production API; a sandbox's ``base_url`` in tests.
    base_url: Optional[str] = None


#: The user's resolver: account (client id) → its credentials (read from a vault, a database…).
CredentialsResolver = Callable[[str], Awaitable[Credentials]]


class NpayActivities:
    """The activities a worker registers (``worker(..., activities=NpayActivities(...).all())``).

    Args:
        resolve: the credentials resolver, called once per account and process (and again after
            an authentication failure, for rotated secrets).
        timeout: per-request timeout of the clients, seconds.
    """

    def __init__(self, resolve: CredentialsResolver, *, timeout: Optional[float] = None) -> None:
        self._resolve = resolve
        self._timeout = timeout
        self._clients: Dict[str, AsyncClient] = {}
        self._locks: Dict[str, asyncio.Lock] = {}
        #: Per account: server clock − local clock, from the last answer's envelope.
        self._offsets: Dict[str, int] = {}

    def all(self) -> list[Callable[..., Any]]:
        """The activity functions to register."""
        return [self.read_window]

    async def _client(self, account: str) -> AsyncClient:
        client = self._clients.get(account)
        if client is not None:
            return client
        lock = self._locks.setdefault(account, asyncio.Lock())
        async with lock:
            client = self._clients.get(account)
            if client is None:
                found = await self._resolve(account)
                options: Dict[str, Any] = {}
                if found.base_url is not None:
                    options["base_url"] = found.base_url
                if self._timeout is not None:
                    options["timeout"] = self._timeout
                client = AsyncClient(found.client_id or account, found.client_secret, **options)
                self._clients[account] = client
            return client

    @activity.defn(name=READ_ACTIVITY)
    async def read_window(self, input: ReadInput) -> ReadResult:
        """Pages from the cursor until a page holds events, the window is done, or ``max_pages``
        pages were read; heartbeats the cursor (``moreFrom``/``moreSequence``) after each page
        without events, and resumes from the last heartbeat when retried."""
        info = activity.info()
        cursor = input.cursor
        if info.heartbeat_details:
            cursor = str(info.heartbeat_details[0])
        if cursor is None:
            if input.since_ms is None:
                raise ValueError("neither a cursor nor since_ms")
            cursor = cursor_starting_at(input.since_ms)
        try:
            client = await self._client(input.account)
            return await self._pages(client, input, cursor)
        except AuthenticationError:
            # Perhaps a rotated secret: resolve again on the next attempt.
            self._clients.pop(input.account, None)
            raise

    async def _pages(self, client: AsyncClient, input: ReadInput, cursor: str) -> ReadResult:
        step: Optional[str] = None
        pages = 0
        offset = self._offsets.get(input.account, 0)
        while pages < max(1, input.max_pages):
            now = int(time.time() * 1000) + offset
            answer = json.loads(
                await read_window_page(
                    client._native,
                    cursor,
                    now_ms=now,
                    events=input.events,
                    settle_lag_ms=input.settle_lag_ms,
                    overlap_ms=input.overlap_ms,
                    page_size=input.page_size,
                    details=input.details and not input.ids_only,
                )
            )
            if answer["serverNowMs"] is not None:
                offset = int(answer["serverNowMs"]) - int(time.time() * 1000)
                self._offsets[input.account] = offset
            cursor = json.dumps(answer["cursor"], separators=(",", ":"))
            step = answer["step"]
            if step is None:
                break
            pages += 1
            events = answer["events"]
            if events:
                if input.ids_only:
                    events = [{k: e[k] for k in _ID_FIELDS if k in e} for e in events]
                caught_up = step == "windowDone" and self._caught_up(input, cursor, offset)
                return ReadResult(cursor=cursor, events=events, step=step, caught_up=caught_up, pages=pages)
            if step == "windowDone":
                break
            activity.heartbeat(cursor)
        caught_up = step is None or self._caught_up(input, cursor, offset)
        return ReadResult(cursor=cursor, events=[], step=step, caught_up=caught_up, pages=pages)

    @staticmethod
    def _caught_up(input: ReadInput, cursor: str, offset: int) -> bool:
        now = int(time.time() * 1000) + offset
        return cursor_caught_up(cursor, now, input.settle_lag_ms, int(input.poll_interval_s * 1000))
