"""Bad input raises ``InvalidRequestError`` (also a ``ValueError``) before anything is sent: the
sandbox sees no request and issues no token. Never a crash, never a request."""

from __future__ import annotations

import datetime
from typing import Any, Callable, List, Tuple, cast

import pytest

import npay_order
from npay_order.testing import Sandbox

NOW = datetime.datetime(2026, 11, 27, 10, 0, 0)
GOOD_ITEM = {"product_order_id": "1", "delivery_method": "DIRECT_DELIVERY", "dispatch_date": NOW}


class Weird:
    """An object the SDK cannot send."""


class BrokenModel:
    """An object whose ``to_dict`` fails."""

    def to_dict(self) -> Any:
        raise RuntimeError("cannot")


# The client is typed `Any` here: these calls are wrong on purpose, to prove the runtime checks.
CALLS: List[Tuple[str, Callable[[Any], object]]] = [
    ("empty id list", lambda c: c.confirm_product_orders(product_order_ids=[])),
    ("missing id list", lambda c: c.confirm_product_orders(product_order_ids=None)),
    ("a string for a list", lambda c: c.confirm_product_orders(product_order_ids="2026112514566031")),
    ("ints for strings", lambda c: c.confirm_product_orders(product_order_ids=[1, 2])),
    ("None in a list", lambda c: c.confirm_product_orders(product_order_ids=[None])),
    ("a set for a list", lambda c: c.confirm_product_orders(product_order_ids={"1"})),
    ("bytes for a list", lambda c: c.query_product_orders(product_order_ids=b"123")),
    ("an object in a list", lambda c: c.query_product_orders(product_order_ids=[Weird()])),
    ("a model whose to_dict fails", lambda c: c.query_product_orders(product_order_ids=[BrokenModel()])),
    ("an unparsable date", lambda c: c.list_last_changed_statuses(last_changed_from="yesterday")),
    ("a missing date", lambda c: c.list_last_changed_statuses(last_changed_from=None)),
    ("an int for a date", lambda c: c.list_last_changed_statuses(last_changed_from=1764200000)),
    ("page size above the maximum", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, limit_count=301)),
    ("page size below the minimum", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, limit_count=0)),
    ("a string for an int", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, limit_count="10")),
    ("an int beyond 64 bits", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, limit_count=2**70)),
    ("a float for an int", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, limit_count=1.5)),
    ("an end before the start", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, last_changed_to=NOW - datetime.timedelta(hours=1))),
    ("a range over 24 hours", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, last_changed_to=NOW + datetime.timedelta(hours=25))),
    ("an unknown change type", lambda c: c.list_last_changed_statuses(last_changed_from=NOW, last_changed_type="NOT_A_TYPE")),
    ("an unknown cancel reason", lambda c: c.request_cancel("1", cancel_reason="NOT_A_REASON")),
    ("a missing cancel reason", lambda c: c.request_cancel("1", cancel_reason=None)),
    ("a string for a quantity", lambda c: c.request_cancel("1", cancel_reason="SOLD_OUT", cancel_quantity="one")),
    ("a missing path parameter", lambda c: c.approve_cancel(None)),
    ("a reason the API does not take for returns", lambda c: c.request_return("1", return_reason="ETC", collect_delivery_method="DELIVERY")),
    ("parcel dispatch without courier and tracking number", lambda c: c.dispatch_product_orders(dispatch_product_orders=[{"product_order_id": "1", "delivery_method": "DELIVERY", "dispatch_date": NOW}])),
    ("an unknown key in a dispatch item", lambda c: c.dispatch_product_orders(dispatch_product_orders=[dict(GOOD_ITEM, tracking_no="1")])),
    ("a string for a dispatch item", lambda c: c.dispatch_product_orders(dispatch_product_orders=["1"])),
    ("an empty dispatch list", lambda c: c.dispatch_product_orders(dispatch_product_orders=[])),
    ("an unparsable dispatch date", lambda c: c.dispatch_product_orders(dispatch_product_orders=[dict(GOOD_ITEM, dispatch_date="tomorrow")])),
    ("an unknown delivery method", lambda c: c.dispatch_product_orders(dispatch_product_orders=[dict(GOOD_ITEM, delivery_method="TELEPORT")])),
    ("a dispatch item missing its id", lambda c: c.dispatch_product_orders(dispatch_product_orders=[{"delivery_method": "DIRECT_DELIVERY", "dispatch_date": NOW}])),
    ("an empty required text", lambda c: c.reject_return("1", reject_return_reason="")),
    ("a text over its maximum length", lambda c: c.holdback_return("1", holdback_class_type="ETC", holdback_return_detail_reason="x" * 4001)),
    ("search page size zero", lambda c: c.search_product_orders(from_=NOW, range_type="PAYED_DATETIME", page_size=0)),
    ("an unknown search range type", lambda c: c.search_product_orders(from_=NOW, range_type="NOPE")),
    ("a missing search range type", lambda c: c.search_product_orders(from_=NOW, range_type=None)),
    ("NaN for an amount", lambda c: c.holdback_return("1", holdback_class_type="ETC", holdback_return_detail_reason="x", extra_return_fee_amount=float("nan"))),
    ("a negative amount", lambda c: c.holdback_return("1", holdback_class_type="ETC", holdback_return_detail_reason="x", extra_return_fee_amount=-1)),
    ("an unknown delay reason", lambda c: c.delay_dispatch("1", dispatch_due_date=NOW, delayed_dispatch_reason="BORED")),
    ("an unparsable review date", lambda c: c.list_reviews(inquiry_time_from="last week")),
    ("an unparsable iterator date", lambda c: c.iter_last_changed_statuses(last_changed_from="soon")),
]

CONSTRUCTIONS: List[Tuple[str, Callable[[Sandbox], object]]] = [
    ("a secret that is not a bcrypt salt", lambda s: npay_order.Client(s.client_id, "hunter2-plain", base_url=s.base_url)),
    ("plain HTTP to a remote host", lambda s: npay_order.Client(s.client_id, s.client_secret, base_url="http://api.example.com/npay/partner")),
    ("an unknown environment", lambda s: npay_order.Client(s.client_id, s.client_secret, environment="staging")),
    ("a negative timeout", lambda s: npay_order.Client(s.client_id, s.client_secret, base_url=s.base_url, timeout=-1)),
    ("a string timeout", lambda s: npay_order.AsyncClient(s.client_id, s.client_secret, base_url=s.base_url, timeout=cast(Any, "5"))),
    ("negative retries", lambda s: npay_order.Client(s.client_id, s.client_secret, base_url=s.base_url, max_retries=-1)),
    ("an int for the client id", lambda s: npay_order.Client(42, s.client_secret, base_url=s.base_url)),  # type: ignore[arg-type]
]


def test_there_are_at_least_thirty_bad_input_cases() -> None:
    assert len(CALLS) + len(CONSTRUCTIONS) >= 30


@pytest.mark.parametrize("call", [c for _, c in CALLS], ids=[name for name, _ in CALLS])
def test_bad_input_is_refused_before_sending(sandbox: Sandbox, call: Callable[[Any], object]) -> None:
    client = sandbox.client()
    with pytest.raises(npay_order.InvalidRequestError) as caught:
        call(client)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.invalid_inputs, "the error names what is wrong"
    assert error.status is None and not error.may_have_been_applied
    stats = sandbox.stats()
    assert stats.total_requests == 0 and stats.tokens_issued == 0, stats


@pytest.mark.parametrize("make", [c for _, c in CONSTRUCTIONS], ids=[name for name, _ in CONSTRUCTIONS])
def test_bad_client_settings_are_refused_at_construction(sandbox: Sandbox, make: Callable[[Sandbox], object]) -> None:
    with pytest.raises(npay_order.InvalidRequestError) as caught:
        make(sandbox)
    assert sandbox.client_secret not in str(caught.value)
    assert sandbox.stats().total_requests == 0


async def test_bad_input_to_the_async_client_is_refused_before_sending(sandbox: Sandbox) -> None:
    client: Any = sandbox.async_client()
    with pytest.raises(npay_order.InvalidRequestError):
        await client.confirm_product_orders(product_order_ids=[1])
    with pytest.raises(npay_order.InvalidRequestError):
        await client.request_cancel("1", cancel_reason="NOT_A_REASON")
    assert sandbox.stats().total_requests == 0
