"""Test against a local emulator of the API, with no Naver credentials.

::

    from npay_order.testing import Sandbox

    with Sandbox(seed=7) as sandbox:
        ids = sandbox.create_orders(3).product_order_ids
        client = sandbox.client()
        client.confirm_product_orders(product_order_ids=ids)
        assert sandbox.stats().requests["confirmProductOrders"] == 1

The sandbox is the project's emulator (``npay-sandbox``) running inside this process on a free
loopback port: real HTTP, Naver's auth, envelopes and error bodies, the order state machine, and
a control API for what buyers, couriers and time do. Each :class:`Sandbox` is independent.

The same helpers work with a sandbox that runs elsewhere — the ``npay-sandbox`` binary, e.g. in a
container — through :meth:`Sandbox.connect`::

    sandbox = Sandbox.connect("http://127.0.0.1:41234/npay/partner")
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar

from . import _native
from ._generated.client import AsyncClient, Client
from ._generated.sandbox_events import EVENTS
from ._model import parse_datetime

__all__ = ["Sandbox", "CreatedOrders", "SandboxStats", "EVENTS"]

S = TypeVar("S", bound="Sandbox")



@dataclass(frozen=True)
class CreatedOrders:
    """Orders made by :meth:`Sandbox.create_orders`."""

    order_ids: List[str]
    product_order_ids: List[str]


@dataclass(frozen=True)
class SandboxStats:
    """What the sandbox has seen since it started (or was reset)."""

    #: Tokens issued.
    tokens_issued: int
    #: Requests received per operationId (``issueToken`` included); absent = 0.
    requests: Dict[str, int] = field(default_factory=dict)
    #: Mutations applied per operationId; absent = 0.
    mutations_applied: Dict[str, int] = field(default_factory=dict)

    @property
    def total_requests(self) -> int:
        """Every request received, of any operation."""
        return sum(self.requests.values())


class Sandbox:
    """A local emulator of the Naver Pay order API, started on a free loopback port.

    Args:
        client_id: the application id it accepts (default ``sandbox-client-id``).
        client_secret: the secret (a bcrypt salt) it verifies signatures with (default
            ``$2a$04$sandboxsecretsandboxse``).
        seed: seed of its generated data (names, addresses, amounts); random if omitted.
        rate_limit_rps: the gateway's rate limit per application, requests per second (burst
            twice that); off if omitted.

    Use it as a context manager (``with Sandbox() as sandbox:``), or call :meth:`close`.
    To use a sandbox that is already running (and that this object must not stop), see
    :meth:`connect`.
    """

    def __init__(
        self,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        seed: Optional[int] = None,
        rate_limit_rps: Optional[float] = None,
    ) -> None:
        self._native = _native.NativeSandbox(client_id, client_secret, seed, rate_limit_rps)

    @classmethod
    def connect(
        cls: Type[S],
        base_url: str,
        *,
        api_url: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
    ) -> S:
        """Attaches to a sandbox that is already running — the ``npay-sandbox`` binary, e.g. in a
        container — instead of starting one. The sandbox is never stopped from here: :meth:`close`
        (and leaving a ``with`` block) only lets go of it; :meth:`reset` and the rest of the
        control API work as usual.

        Args:
            base_url: the sandbox's base URL, as ``npay-sandbox`` prints it on start
                (``npay-sandbox listening on http://HOST:PORT/npay/partner``). The control API
                is always called there (``<base_url>/_sandbox/``); it is :attr:`sandbox_url`.
            api_url: the base URL clients are given, when it is not the sandbox itself — e.g. a
                proxy in front of it. It becomes :attr:`base_url`. Default: ``base_url``.
            client_id: the application id the sandbox accepts; default: the one it reports.
            client_secret: the secret the sandbox verifies signatures with; default: the
                sandbox's default (``$2a$04$sandboxsecretsandboxse``).

        Raises ``RuntimeError`` if no sandbox answers at ``base_url``, and
        :class:`~npay_order.InvalidRequestError` if a URL is not an ``http(s)`` URL.
        :attr:`seed` is the seed the running sandbox reports.
        """
        sandbox = cls.__new__(cls)
        sandbox._native = _native.NativeSandbox.connect(base_url, api_url, client_id, client_secret)
        return sandbox

    @property
    def base_url(self) -> str:
        """The base URL a client is given (``http://127.0.0.1:PORT/npay/partner``; after
        :meth:`connect`, its ``api_url`` if one was given)."""
        return self._native.base_url

    @property
    def sandbox_url(self) -> str:
        """The sandbox's own base URL; the control API is below it (``<sandbox_url>/_sandbox/``).
        The same as :attr:`base_url` unless :meth:`connect` was given an ``api_url``."""
        return self._native.sandbox_url

    @property
    def embedded(self) -> bool:
        """``True`` if this object started the sandbox in this process (:meth:`close` stops it),
        ``False`` after :meth:`connect`."""
        return self._native.embedded

    @property
    def client_id(self) -> str:
        """The application id the sandbox accepts."""
        return self._native.client_id

    @property
    def client_secret(self) -> str:
        """The application secret the sandbox accepts (a test value)."""
        return self._native.client_secret

    @property
    def seed(self) -> int:
        """The seed of the generated data."""
        return self._native.seed

    #: Keyword arguments every :meth:`client` and :meth:`async_client` gets unless the call
    #: overrides them, e.g. ``{"strict": True}`` for a suite that proves the sandbox conforms.
    client_defaults: Mapping[str, Any] = {}

    def client(self, **options: Any) -> Client:
        """A new :class:`~npay_order.Client` for this sandbox; ``options`` are the client's
        keyword arguments (``timeout``, ``max_retries``, ``strict``)."""
        options = {**self.client_defaults, **options}
        return Client(self.client_id, self.client_secret, base_url=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """A new :class:`~npay_order.AsyncClient` for this sandbox."""
        options = {**self.client_defaults, **options}
        return AsyncClient(self.client_id, self.client_secret, base_url=self.base_url, **options)

    # The control API (see the sandbox's README).

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """One call of the control API: ``method`` and ``path`` below ``<sandbox_url>/_sandbox/``,
        an optional JSON body; returns the JSON answer. Raises ``RuntimeError`` on an error status."""
        return self._native.control(method, path, body)

    def create_orders(self, count: int = 1, *, status: str = "PAYED", products_per_order: int = 1) -> CreatedOrders:
        """Creates ``count`` orders (``status`` ``"PAYED"`` or ``"PAYMENT_WAITING"``) of
        ``products_per_order`` product orders each."""
        order_ids, product_order_ids = self._native.create_orders(count, status, products_per_order)
        return CreatedOrders(order_ids=list(order_ids), product_order_ids=list(product_order_ids))

    def event(self, product_order_id: str, event: str) -> Any:
        """Applies what a buyer, courier or time does to a product order; ``event`` is one of
        :data:`EVENTS`."""
        return self._native.event(product_order_id, event)

    def now(self) -> datetime.datetime:
        """The sandbox's clock (real time plus every :meth:`advance_clock`), in KST."""
        return parse_datetime(self._native.clock())

    def advance_clock(self, seconds: float) -> datetime.datetime:
        """Moves the sandbox's clock forward by ``seconds``: token expiry and the timestamps of
        data and changes follow it (signatures are still checked against real time). Returns the
        new :meth:`now`."""
        return parse_datetime(self._native.advance_clock(seconds))

    def set_faults(
        self,
        *,
        server_error_rate: float = 0.0,
        rate_limit_rate: float = 0.0,
        reset_rate: float = 0.0,
        latency_ms: int = 0,
        seed: Optional[int] = None,
    ) -> None:
        """Injects failures into a share of the requests (rates between 0 and 1); all zero turns
        them off. A failure injected before processing leaves no side effect."""
        self._native.set_faults(server_error_rate, rate_limit_rate, reset_rate, latency_ms, seed)

    def set_deviations(self, *, rate: float, kinds: Optional[List[str]] = None, seed: Optional[int] = None) -> None:
        """Makes the sandbox's answers deviate from the spec as a real API's may: each field (or,
        for unknown fields, each object) deviates with chance ``rate``, in one of ``kinds``
        (default all: ``floatIntegers``, ``stringNumbers``, ``numberStrings``, ``ynBooleans``,
        ``naiveDateTimes``, ``compactDates``, ``nulls``, ``missing``, ``wrongTypes``,
        ``unknownFields``). Essential fields (ids, ``data``) are never touched; ``rate=0`` turns it
        off. For testing tolerant reads: a ``strict=True`` client refuses such answers."""
        self._native.set_deviations(rate, list(kinds or []), seed)

    def stats(self) -> SandboxStats:
        """Tokens issued, requests and applied mutations per operationId."""
        tokens_issued, requests, mutations_applied = self._native.stats()
        return SandboxStats(tokens_issued=tokens_issued, requests=dict(requests), mutations_applied=dict(mutations_applied))

    def reset(self) -> None:
        """Forgets every order, token, fault and statistic."""
        self._native.reset()

    def close(self) -> None:
        """Stops the server (idempotent). A sandbox attached to with :meth:`connect` is left
        running."""
        self._native.shutdown()

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.embedded:
            return f"Sandbox(base_url={self.base_url!r}, seed={self.seed})"
        via = f", api_url={self.base_url!r}" if self.base_url != self.sandbox_url else ""
        return f"Sandbox.connect({self.sandbox_url!r}{via})"


