"""What ``Client`` and ``AsyncClient`` share, whatever the spec holds: construction and
settings, the one generic call path (``NativeClient.call`` / ``call_async``), raw responses,
iterators over pages, and a DEBUG log line per call. The per-operation methods that use it are
generated (``_generated/client.py``).
"""

from __future__ import annotations

import math
import time

from ._errors import InvalidRequestError, NpayError
from ._logging import logger
from ._native import NativeClient, NativePager
from ._response import RawResponse

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Mapping, Optional, Type, TypeVar

    from typing import TypedDict

    T = TypeVar("T")
    C = TypeVar("C", bound="BaseClient")

    class DriftEntry(TypedDict):
        """One deviation of the API's answers from the spec (see ``drift_report``)."""

        operation: str
        path: str
        expected: str
        seen: str
        kind: str
        count: int
        firstSeen: str

#: `logging.DEBUG`, without importing `logging` to read it.
_DEBUG = 10

#: Whole-request timeout of each attempt, in seconds, unless a client says otherwise.
DEFAULT_TIMEOUT = 30.0
#: Retries after the first attempt (where retrying is safe), unless a client says otherwise.
DEFAULT_MAX_RETRIES = 2


def _invalid(name: str, message: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"invalid request: {name}: {message}",
        invalid_inputs=[{"name": name, "kind": "client", "message": message}],
    )


def _optional_text(name: str, value: object) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    raise _invalid(name, f"must be a string, not {type(value).__name__}")


def _timeout(value: object) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid("timeout", f"must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise _invalid("timeout", f"must be a positive number of seconds, not {value!r}")
    return float(value)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(name, f"must be True or False, not {type(value).__name__}")
    return value


def _max_retries(value: object) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid("max_retries", f"must be an int, not {type(value).__name__}")
    if not 0 <= value <= 100:
        raise _invalid("max_retries", f"must be between 0 and 100, not {value!r}")
    return value


def _raw(data: T, meta: Mapping[str, Any]) -> RawResponse[T]:
    return RawResponse(
        data=data,
        status=int(meta["status"]),
        headers=dict(meta["headers"]),
        trace_id=meta.get("trace_id"),
        timestamp=meta.get("timestamp"),
        raw_json=meta.get("raw_json"),
    )


def _log_success(operation_id: str, started: float, meta: Mapping[str, Any]) -> None:
    logger().debug(
        "%s: HTTP %s in %.1f ms (trace id %s)",
        operation_id,
        meta.get("status"),
        (time.perf_counter() - started) * 1000,
        meta.get("trace_id"),
    )


def _log_failure(operation_id: str, started: float, error: NpayError) -> None:
    # The message holds Naver's text and the argument names; never a secret, signature or token.
    logger().debug(
        "%s failed in %.1f ms: %s: %s",
        operation_id,
        (time.perf_counter() - started) * 1000,
        type(error).__name__,
        error,
    )


class BaseClient:
    """Settings and the native client; see :class:`npay_order.Client` for the arguments."""

    _native: NativeClient

    def __init__(
        self,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        *,
        environment: str = "production",
        base_url: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        account_id: Optional[str] = None,
        strict: bool = False,
    ) -> None:
        logger()  # logging is set up with the first client (see `_logging`)
        self._native = NativeClient(
            _optional_text("client_id", client_id),
            _optional_text("client_secret", client_secret),
            environment=_optional_text("environment", environment) or "",
            base_url=_optional_text("base_url", base_url),
            timeout=_timeout(timeout),
            max_retries=_max_retries(max_retries),
            account_id=_optional_text("account_id", account_id),
            strict=_flag("strict", strict),
        )

    @classmethod
    def _wrap(cls: Type[C], native: NativeClient) -> C:
        client = cls.__new__(cls)
        client._native = native
        return client

    @property
    def client_id(self) -> str:
        """The application id."""
        return self._native.client_id

    @property
    def base_url(self) -> str:
        """The base URL every path is appended to."""
        return self._native.base_url

    def with_options(self: C, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> C:
        """A client sharing this one's connections and token, whose calls use another timeout
        (seconds per attempt) and/or retry count::

            client.with_options(timeout=5).list_product_order_ids(order_id)
        """
        return self._wrap(self._native.with_options(timeout=_timeout(timeout), max_retries=_max_retries(max_retries)))

    def drift_report(self) -> List[DriftEntry]:
        """Every way the API's answers differed from the spec, as seen by this client: one entry
        per deviation with ``operation``, ``path`` (JSON path, list indices collapsed:
        ``data[].productOrder.totalPaymentAmount``), ``expected`` and ``seen`` types, ``kind``
        (``coerced``, ``emptied``, ``missing`` or ``unknownField``), ``count`` and ``firstSeen``.
        Never holds a value from an answer, so it can be pasted into an issue::

            for entry in client.drift_report():
                print(entry["operation"], entry["path"], entry["kind"], entry["count"])
        """
        report: List[DriftEntry] = self._native.drift_report()
        return report

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, base_url={self.base_url!r}, client_secret=<redacted>)"


class SyncBaseClient(BaseClient):
    """The blocking call path. Calls release the GIL while they wait, so threads run in parallel."""

    def _request(self, operation_id: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> T:
        if logger().isEnabledFor(_DEBUG):  # the log line needs the raw response
            return self._request_raw(operation_id, params, parse).data
        return parse(self._native.call(operation_id, params))

    def _request_raw(self, operation_id: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> RawResponse[T]:
        started = time.perf_counter()
        try:
            data, meta = self._native.call_raw(operation_id, params)
        except NpayError as error:
            _log_failure(operation_id, started, error)
            raise
        _log_success(operation_id, started, meta)
        return _raw(parse(data), meta)

    def _iterate(self, name: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> Iterator[T]:
        # The pager is made now, so that bad arguments raise here rather than at the first next().
        pager = self._native.pager(name, params)
        return _items(name, pager, parse)

    def close(self) -> None:
        """Nothing to release today (connections close when the client is garbage-collected);
        kept so that ``with Client(...) as client:`` reads naturally."""

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AsyncBaseClient(BaseClient):
    """The asyncio call path: each call is an awaitable served by the native runtime, so many
    calls (``asyncio.gather``) run concurrently without threads on the Python side."""

    async def _request(self, operation_id: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> T:
        if logger().isEnabledFor(_DEBUG):  # the log line needs the raw response
            return (await self._request_raw(operation_id, params, parse)).data
        return parse(await self._native.call_async(operation_id, params))

    async def _request_raw(self, operation_id: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> RawResponse[T]:
        started = time.perf_counter()
        try:
            data, meta = await self._native.call_raw_async(operation_id, params)
        except NpayError as error:
            _log_failure(operation_id, started, error)
            raise
        _log_success(operation_id, started, meta)
        return _raw(parse(data), meta)

    def _iterate(self, name: str, params: Dict[str, Any], parse: Callable[[Any], T]) -> AsyncIterator[T]:
        pager = self._native.pager(name, params)
        return _aitems(name, pager, parse)

    async def close(self) -> None:
        """Nothing to release today; kept so that ``async with AsyncClient(...)`` reads naturally."""

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        pass


def _items(name: str, pager: NativePager, parse: Callable[[Any], T]) -> Iterator[T]:
    pages = 0
    while True:
        page: Optional[List[Any]] = pager.next_page()
        if page is None:
            logger().debug("%s: done after %d page(s)", name, pages)
            return
        pages += 1
        for item in page:
            yield parse(item)


async def _aitems(name: str, pager: NativePager, parse: Callable[[Any], T]) -> AsyncIterator[T]:
    pages = 0
    while True:
        page: Optional[List[Any]] = await pager.next_page_async()
        if page is None:
            logger().debug("%s: done after %d page(s)", name, pages)
            return
        pages += 1
        for item in page:
            yield parse(item)
