"""The order watcher: polling turned into durable, ordered events (see :class:`Watcher`)."""

from __future__ import annotations

import asyncio
import datetime as _dt
import signal
import threading
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Iterable,
    Iterator,
    List,
    Optional,
    Union,
)

from ._generated.models import LastChangedStatus, ProductOrderDetail
from ._model import KST, parse_datetime
from ._native import NativeWatcher

__all__ = ["Watcher", "Event", "StoredEvent"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _millis(value: Optional[_dt.timedelta], name: str) -> Optional[int]:
    if value is None:
        return None
    if not isinstance(value, _dt.timedelta):
        raise TypeError(f"{name} must be a datetime.timedelta")
    if value < _dt.timedelta(0):
        raise ValueError(f"{name} must not be negative")
    return int(value / _dt.timedelta(milliseconds=1))


def _since_ms(since: Union[_dt.datetime, _dt.timedelta, None]) -> Optional[int]:
    if since is None:
        return None
    if isinstance(since, _dt.timedelta):
        since = _dt.datetime.now(KST) - since
    if not isinstance(since, _dt.datetime):
        raise TypeError("since must be a datetime.datetime or a datetime.timedelta (that long ago)")
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware (e.g. tzinfo=npay_order.KST)")
    return int(since.timestamp() * 1000)


class Acknowledged:
    """What :meth:`Event.ack` and :meth:`Event.nack` return: the answer is given when the method
    is called; awaiting this (in async code) is optional and returns at once. ``bool(...)`` says
    whether the event was still out (an event answered twice, or after the next one was asked
    for, is not)."""

    __slots__ = ("taken",)

    def __init__(self, taken: bool) -> None:
        self.taken = taken

    def __bool__(self) -> bool:
        return self.taken

    def __await__(self) -> Generator[Any, None, bool]:
        return self.taken
        yield  # pragma: no cover — makes this a generator

    def __repr__(self) -> str:
        return f"Acknowledged({self.taken})"


class Event:
    """One change of one product order, handed over by a :class:`Watcher`.

    Attributes:
        id: stable: the same change always has the same id (de-duplicate on it).
        account: the application (client id) whose change it is.
        product_order_id: the product order.
        last_changed_type: ``"PAYED"``, ``"CLAIM_REQUESTED"``, …
        last_changed_date: when it changed (aware, KST).
        attempt: 1 on the first hand-over, 2 on the first retry, …

    :attr:`change` is the change row and :attr:`detail` the product order's details (``None``
    when not fetched), both models of the generated API; :meth:`to_dict` is the event as JSON
    (the webhook body). Answer with :meth:`ack` once handled, or :meth:`nack` to have it retried.
    """

    __slots__ = (
        "_watcher",
        "_data",
        "id",
        "account",
        "product_order_id",
        "last_changed_type",
        "last_changed_date",
        "attempt",
    )

    def __init__(self, watcher: Optional[NativeWatcher], data: Dict[str, Any]) -> None:
        self._watcher = watcher
        self._data = data
        self.id: str = data["id"]
        self.account: str = data["account"]
        self.product_order_id: str = data["productOrderId"]
        self.last_changed_type: str = data["lastChangedType"]
        self.last_changed_date: _dt.datetime = parse_datetime(data["lastChangedDate"])
        self.attempt: int = data["attempt"]

    @property
    def change(self) -> LastChangedStatus:
        """The change row (``lastChangeStatuses[]`` item) as the API answered it."""
        return LastChangedStatus.from_dict(self._data["change"])

    @property
    def detail(self) -> Optional[ProductOrderDetail]:
        """The product order's details read when the page was committed (its state then)."""
        detail = self._data.get("detail")
        return None if detail is None else ProductOrderDetail.from_dict(detail)

    def to_dict(self) -> Dict[str, Any]:
        """The event as JSON (camelCase): ``id``, ``account``, ``productOrderId``,
        ``lastChangedType``, ``lastChangedDate``, ``change``, ``detail``, ``attempt``."""
        return dict(self._data)

    def ack(self) -> Acknowledged:
        """Marks the event done. Works as ``event.ack()`` and ``await event.ack()``."""
        return Acknowledged(self._watcher is not None and self._watcher.ack(self.id))

    def nack(self, reason: str = "refused by the handler") -> Acknowledged:
        """Refuses the event: it is retried with backoff, then parked as failed. ``reason`` is kept
        with the event in the store (``events list``); keep buyers' data out of it."""
        return Acknowledged(self._watcher is not None and self._watcher.nack(self.id, str(reason)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # Ids and kinds only: the change and details carry buyers' data.
        return f"Event(id={self.id!r}, last_changed_type={self.last_changed_type!r}, attempt={self.attempt})"


class StoredEvent:
    """An event as the store keeps it: :attr:`event`, :attr:`status` (``"pending"``, ``"done"``,
    ``"failed"``), :attr:`last_error` (the handler's last message), :attr:`seq`, :attr:`created_at`."""

    __slots__ = ("event", "status", "last_error", "seq", "created_at")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.event = Event(None, data["event"])
        self.status: str = data["status"]
        self.last_error: Optional[str] = data.get("lastError")
        self.seq: int = data["seq"]
        self.created_at = _dt.datetime.fromtimestamp(data["createdAtMs"] / 1000, KST)

    def __repr__(self) -> str:
        return f"StoredEvent(id={self.event.id!r}, status={self.status!r}, seq={self.seq})"


Handler = Callable[[Event], Any]
AsyncHandler = Callable[[Event], Awaitable[Any]]


class Watcher:
    """Watches one account's orders and hands over every change as an :class:`Event`, durably.

    ::

        import datetime, npay_order

        client = npay_order.Client("my-app-id", "$2a$04$...")
        watcher = npay_order.Watcher(client, "orders.sqlite", since=datetime.timedelta(hours=1),
                                     events=["PAYED", "CLAIM_REQUESTED"])

        def handle(event: npay_order.Event) -> None:
            print(event.id, event.last_changed_type, event.detail.product_order.product_name)

        watcher.run(handle)          # until Ctrl-C / SIGTERM / watcher.stop()

    or, in asyncio code::

        async for event in watcher:
            await save(event)
            await event.ack()

    Guarantees (the core's, the same in every language): nothing is lost across crashes (each
    page's events and the cursor past it are committed in one SQLite transaction); hand-off is
    at-least-once — only the event in flight at a crash is handed over again, with the same
    :attr:`Event.id`; the events of one product order come in order, one at a time; an event the
    handler refuses (raises, or :meth:`Event.nack`) is retried with backoff and parked as failed
    after ``max_attempts`` (:meth:`events`, :meth:`resend`).

    Args:
        client: a :class:`Client` or :class:`AsyncClient`; its client id is the account.
        store: the SQLite file (created if missing) holding cursor and events; one file may
            hold several accounts.
        since: where to start when the store has no cursor yet (required then): an aware
            datetime, or a timedelta meaning "that long ago". Ignored once a cursor exists.
        events: only these ``lastChangedType`` values.
        settle_lag: how old a change must be before it is asked for (default 60 s).
        overlap: how much each new window re-reads before the watermark (default 5 min).
        poll_interval: time between polls once caught up (default 10 s).
        page_size: ``limitCount`` per call, 1–300 (default 300).
        details: whether events carry the product order's details (default ``True``).
        max_attempts: hand-overs per event before it is parked (default 8).
        retry_base, retry_max: first and longest retry delay (defaults 1 s and 2 min).

    The watcher starts polling on the first event asked for; a stopped watcher stays stopped
    (make a new one over the same store to go on).
    """

    def __init__(
        self,
        client: Any,
        store: str,
        *,
        since: Union[_dt.datetime, _dt.timedelta, None] = None,
        events: Optional[Iterable[str]] = None,
        settle_lag: Optional[_dt.timedelta] = None,
        overlap: Optional[_dt.timedelta] = None,
        poll_interval: Optional[_dt.timedelta] = None,
        page_size: Optional[int] = None,
        details: bool = True,
        max_attempts: Optional[int] = None,
        retry_base: Optional[_dt.timedelta] = None,
        retry_max: Optional[_dt.timedelta] = None,
    ) -> None:
        native_client = getattr(client, "_native", None)
        if native_client is None:
            raise TypeError("client must be an npay_order.Client or npay_order.AsyncClient")
        if isinstance(events, str):
            raise TypeError("events must be a list of lastChangedType values, not one string")
        self._native = NativeWatcher(
            native_client,
            str(store),
            since_ms=_since_ms(since),
            events=None if events is None else [str(e) for e in events],
            settle_lag_ms=_millis(settle_lag, "settle_lag"),
            overlap_ms=_millis(overlap, "overlap"),
            poll_interval_ms=_millis(poll_interval, "poll_interval"),
            page_size=page_size,
            details=details,
            max_attempts=max_attempts,
            retry_base_ms=_millis(retry_base, "retry_base"),
            retry_max_ms=_millis(retry_max, "retry_max"),
        )

    @property
    def account(self) -> str:
        """The account watched (the client id)."""
        return self._native.account

    # -- taking events one at a time -------------------------------------------------------

    def next(self) -> Optional[Event]:
        """The next event (blocking), or ``None`` once the watcher has stopped. Asking for the
        next event before answering this one refuses this one (it comes back later)."""
        data = self._native.next_event()
        return None if data is None else Event(self._native, data)

    async def next_async(self) -> Optional[Event]:
        """:meth:`next` as a coroutine."""
        data = await self._native.next_event_async()
        return None if data is None else Event(self._native, data)

    def __iter__(self) -> Iterator[Event]:
        while True:
            event = self.next()
            if event is None:
                return
            yield event

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._aiter()

    async def _aiter(self) -> AsyncIterator[Event]:
        while True:
            event = await self.next_async()
            if event is None:
                return
            yield event

    # -- running a handler -----------------------------------------------------------------

    def run(self, handler: Handler) -> None:
        """Hands every event to ``handler`` until stopped: an event is marked done when the
        handler returns, retried when it raises. SIGINT and SIGTERM (when called from the main
        thread) and :meth:`stop` stop it gracefully: the event in flight is finished first.
        Raises the error that stopped the watcher otherwise (refused credentials, a store
        failure, paging that does not advance)."""
        with _stop_on_signals(self.stop):
            for event in self:
                try:
                    handler(event)
                except Exception as error:  # noqa: BLE001 — any failure of the handler retries
                    event.nack(_reason(error))
                else:
                    event.ack()

    async def run_async(self, handler: AsyncHandler) -> None:
        """:meth:`run` for a coroutine handler, on the running event loop (SIGINT and SIGTERM
        stop it gracefully where the loop supports signal handlers)."""
        loop = asyncio.get_running_loop()
        installed: List[signal.Signals] = []
        if threading.current_thread() is threading.main_thread():
            for sig in _STOP_SIGNALS:
                try:
                    loop.add_signal_handler(sig, self.stop)
                    installed.append(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass
        try:
            async for event in self:
                try:
                    await handler(event)
                except Exception as error:  # noqa: BLE001 — any failure of the handler retries
                    event.nack(_reason(error))
                else:
                    event.ack()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    def stop(self) -> None:
        """Stops polling at once; the event in flight may still be answered, then iteration ends
        and :meth:`run` returns. Safe from any thread and from signal handlers."""
        self._native.stop()

    @property
    def stopped(self) -> bool:
        """Whether a stop was asked for."""
        return self._native.stopped

    # -- the store -------------------------------------------------------------------------

    def events(self, status: Optional[str] = None, limit: Optional[int] = None) -> List[StoredEvent]:
        """The events in the store for this account, oldest first (newest first with a
        ``limit``); ``status`` is ``"pending"``, ``"done"`` or ``"failed"`` (parked)."""
        return [StoredEvent(item) for item in self._native.list_events(status, limit)]

    def resend(self, event_id: str) -> bool:
        """Queues a parked (or done) event again; ``False`` if the store has no such event."""
        return self._native.resend(event_id)

    def cursor(self) -> Optional[Dict[str, Any]]:
        """The committed cursor (watermark and window) as a dict, ``None`` before the first poll."""
        cursor: Optional[Dict[str, Any]] = self._native.cursor()
        return cursor

    def __repr__(self) -> str:
        return f"Watcher(account={self.account!r})"


def _reason(error: BaseException) -> str:
    # The class only: a handler's message may quote the order it was handling.
    return f"the handler raised {type(error).__name__}"


class _stop_on_signals:
    """Within the block, SIGINT and SIGTERM call ``stop`` instead of raising (main thread only)."""

    def __init__(self, stop: Callable[[], None]) -> None:
        self._stop = stop
        self._previous: Dict[int, Any] = {}

    def __enter__(self) -> "_stop_on_signals":
        if threading.current_thread() is threading.main_thread():
            for sig in _STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, lambda *_: self._stop())
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
