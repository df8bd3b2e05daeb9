"""The exception tree of every npay-order call (the same in every language of the SDK).

::

    NpayError
    ├── ApiError                 the server answered with an error status
    │   ├── BadRequestError          400
    │   ├── AuthenticationError      401
    │   ├── PermissionDeniedError    403
    │   ├── NotFoundError            404
    │   ├── RateLimitError           429
    │   └── ServerError              5xx
    ├── ApiConnectionError       no response (refused, reset, DNS, TLS)
    │   └── ApiTimeoutError
    └── InvalidRequestError      rejected before anything was sent (also a ValueError)

Per-item failures of batch calls (``fail_product_order_infos``) are results, not exceptions.
The native module raises these classes (``src/error.rs`` is the one place that maps the core's
errors to them); they are plain Python so that they can be caught, subclassed and pickled (a
``multiprocessing`` worker can send one back to its parent). No message or attribute ever holds
the client secret, a signature or a token.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` only for type checkers: see `_model`
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping, NamedTuple, Optional, Tuple, Union

    _InvalidInput = NamedTuple("_InvalidInput", [("name", str), ("kind", str), ("message", str)])
else:
    from collections import namedtuple

    _InvalidInput = namedtuple("_InvalidInput", ("name", "kind", "message"))

__all__ = [
    "InvalidInput",
    "NpayError",
    "ApiError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "InvalidRequestError",
]


class InvalidInput(_InvalidInput):
    """One invalid input: ``name`` as the API names it (``dispatchProductOrders[2].trackingNumber``),
    ``kind`` (``client`` for the SDK's own checks, else the server's word such as ``typeMismatch``)
    and ``message``."""

    __slots__ = ()


def _inputs(values: Iterable[Union[InvalidInput, Mapping[str, Any]]]) -> Tuple[InvalidInput, ...]:
    out = []
    for value in values:
        if isinstance(value, InvalidInput):
            out.append(value)
        else:
            out.append(
                InvalidInput(
                    name=str(value.get("name", "")),
                    kind=str(value.get("kind", "")),
                    message=str(value.get("message", "")),
                )
            )
    return tuple(out)


class NpayError(Exception):
    """Base of every error of this SDK.

    ``str(error)`` says everything in one line: the operation, status, code, message and trace id.

    Attributes:
        message: what went wrong: Naver's own message (in Korean) for API errors, else the text.
        status: the HTTP status, when the server answered.
        code: Naver's error code (``"104442"``, ``"GW.AUTHN"``), when the server answered.
        trace_id: the trace id Naver support asks for, when there is one.
        timestamp: when the server answered (ISO-8601, as sent), when it said.
        invalid_inputs: which inputs were invalid (the SDK's findings or the server's).
        may_have_been_applied: ``True`` when a failed mutation may nonetheless have been
            processed (no answer, or a server error): read the product orders' state before
            repeating it.
    """

    message: str
    status: Optional[int]
    code: Optional[str]
    trace_id: Optional[str]
    timestamp: Optional[str]
    invalid_inputs: Tuple[InvalidInput, ...]
    may_have_been_applied: bool

    def __init__(
        self,
        text: str,
        *,
        message: Optional[str] = None,
        status: Optional[int] = None,
        code: Optional[str] = None,
        trace_id: Optional[str] = None,
        timestamp: Optional[str] = None,
        invalid_inputs: Iterable[Union[InvalidInput, Mapping[str, Any]]] = (),
        may_have_been_applied: bool = False,
    ) -> None:
        super().__init__(text)
        self.message = text if message is None else message
        self.status = status
        self.code = code
        self.trace_id = trace_id
        self.timestamp = timestamp
        self.invalid_inputs = _inputs(invalid_inputs)
        self.may_have_been_applied = may_have_been_applied

    def __reduce__(self) -> Any:
        # Keyword-only attributes do not survive the default pickling of exceptions.
        return (
            _rebuild,
            (
                type(self),
                str(self),
                {
                    "message": self.message,
                    "status": self.status,
                    "code": self.code,
                    "trace_id": self.trace_id,
                    "timestamp": self.timestamp,
                    "invalid_inputs": self.invalid_inputs,
                    "may_have_been_applied": self.may_have_been_applied,
                },
            ),
        )

    def __repr__(self) -> str:
        parts = [repr(str(self))]
        for name in ("status", "code", "trace_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _rebuild(cls: type, text: str, fields: Mapping[str, Any]) -> NpayError:
    error: NpayError = cls(text, **fields)
    return error


class ApiError(NpayError):
    """The API (or its gateway) answered with an error status; ``status`` and ``code`` say which."""


class BadRequestError(ApiError):
    """400: the server rejected the request (``code`` says why; ``"4000"`` is a bad parameter)."""


class AuthenticationError(ApiError):
    """401: wrong credentials, or a token refused even after one re-issue."""


class PermissionDeniedError(ApiError):
    """403: not allowed (``GW.IP_NOT_ALLOWED``: register the calling IP with Naver)."""


class NotFoundError(ApiError):
    """404: an unknown order or product order."""


class RateLimitError(ApiError):
    """429: rate limit or quota; already retried ``max_retries`` times."""


class ServerError(ApiError):
    """5xx: a server or gateway fault; reads were already retried."""


class ApiConnectionError(NpayError):
    """No response: refused, reset, DNS or TLS failure. ``__cause__`` holds the transport error."""


class ApiTimeoutError(ApiConnectionError):
    """No response within the timeout."""


class InvalidRequestError(NpayError, ValueError):
    """Rejected by the client before anything was sent: a missing, mistyped or out-of-range
    argument. ``invalid_inputs`` names each problem."""


class WatchError(NpayError):
    """A :class:`~npay_order.Watcher` stopped for a reason of its own: the server's paging did not
    advance (a ``more`` that repeats), the store failed (disk, a locked or corrupt file), or a
    webhook endpoint is disabled. Refusals of the API raise their own class (e.g.
    :class:`AuthenticationError`); a wrong configuration raises :class:`InvalidRequestError`."""
