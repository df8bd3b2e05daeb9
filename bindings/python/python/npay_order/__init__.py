"""npay-order: an unofficial SDK for the Naver Pay merchant order API (네이버페이 주문형 API).

::

    import npay_order

    client = npay_order.Client("my-app-id", "$2a$04$...")
    for change in client.iter_last_changed_statuses(last_changed_from=since):
        ...

* :class:`Client` (blocking) and :class:`AsyncClient` (asyncio): one method per operation,
  typed; results are models with snake_case attributes and ``to_dict()``.
* The iterators ``iter_last_changed_statuses`` / ``iter_search_product_orders`` walk any range.
* Errors are the tree under :class:`NpayError`; :class:`InvalidRequestError` (also a
  ``ValueError``) is raised before anything is sent.
* :class:`Watcher` turns polling into durable, ordered events (``run(handler)``, ``for``,
  ``async for`` with ``await event.ack()``), kept in a SQLite file.
* :mod:`npay_order.testing` runs a local emulator of the API for your tests.

The per-operation surface, models and enums are generated from the OpenAPI spec
(``_generated/``); the rest is a thin layer over the Rust core (``_native``).
"""

from __future__ import annotations

from . import _generated
from ._errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidInput,
    InvalidRequestError,
    NotFoundError,
    NpayError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    WatchError,
)
from ._model import KST
from ._native import CORE_VERSION as __version__
from ._native import sign
from ._response import RawResponse

TYPE_CHECKING = False  # `typing` only for type checkers: see `_model`
if TYPE_CHECKING:
    from ._enum import OpenEnum
    from ._watch import Event, StoredEvent, Watcher
    from ._generated import *  # noqa: F401,F403 — the generated clients, models and enums
else:
    # The clients and models now; the enums (and `OpenEnum`) when first used: see `_lazy`.
    _names = frozenset(_generated.__all__)
    _WATCH = frozenset(("Watcher", "Event", "StoredEvent"))  # imported when first used (asyncio)
    globals().update((name, value) for name, value in vars(_generated).items() if name in _names)

    def __getattr__(name: str) -> object:
        if name == "OpenEnum":
            from ._enum import OpenEnum as value
        elif name in _WATCH:
            from . import _watch

            value = getattr(_watch, name)
        elif name in _names:
            value = getattr(_generated, name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value

    def __dir__() -> list:
        return sorted(set(globals()) | set(__all__))


__all__ = [
    "sign",
    "RawResponse",
    "OpenEnum",
    "KST",
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
    "WatchError",
    "Watcher",
    "Event",
    "StoredEvent",
]
__all__ += _generated.__all__
