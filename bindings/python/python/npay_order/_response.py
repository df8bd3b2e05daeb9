"""The raw side of a response, for when the data alone is not enough."""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` only for type checkers: see `_model`
if TYPE_CHECKING:
    from typing import Generic as _Generic
    from typing import Any, Mapping, Optional, TypeVar

    T = TypeVar("T")
else:
    from types import GenericAlias

    class _Generic:
        """What `typing.Generic` gives at run time that matters here: ``RawResponse[X]``."""

        __slots__ = ()

        def __class_getitem__(cls, item: object) -> GenericAlias:
            return GenericAlias(cls, item)

    T = None  # the runtime `RawResponse` is not parameterised

__all__ = ["RawResponse"]


class RawResponse(_Generic[T]):
    """A call's ``data`` with the HTTP response it came in.

    Get one by calling an operation through ``client.with_raw_response``::

        raw = client.with_raw_response.confirm_product_orders(product_order_ids=ids)
        print(raw.status, raw.trace_id, raw.headers.get("gncp-gw-trace-id"))
        result = raw.data  # what client.confirm_product_orders(...) returns

    For calls split into several requests (more than 300 ids, more than 30 entries), the raw
    response is the first request's.
    """

    __slots__ = ("data", "status", "headers", "trace_id", "timestamp", "raw_json")

    def __init__(
        self,
        data: T,
        status: int,
        headers: Mapping[str, str],
        trace_id: Optional[str],
        timestamp: Optional[str],
        raw_json: Any = None,
    ) -> None:
        #: What the operation returns: the envelope's ``data``, typed.
        self.data = data
        #: HTTP status of the response.
        self.status = status
        #: Response headers, lower-case names; repeated headers joined with ``", "``.
        self.headers = headers
        #: The envelope's ``traceId`` (or the ``GNCP-GW-Trace-ID`` header): quote it to Naver support.
        self.trace_id = trace_id
        #: The envelope's ``timestamp``: when the server answered (ISO-8601, ``+09:00``).
        self.timestamp = timestamp
        #: The ``data`` exactly as the server sent it (plain JSON values), when the answer deviated
        #: from the spec — values that could not be coerced are read here; ``None`` when it matched.
        self.raw_json = raw_json

    def __repr__(self) -> str:
        return f"RawResponse(status={self.status}, trace_id={self.trace_id!r}, data={self.data!r})"
