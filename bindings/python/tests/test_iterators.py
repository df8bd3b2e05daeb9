"""The iterators walk any range: pages (``more`` / ``hasNext``) and 24-hour windows, each item once."""

from __future__ import annotations

import datetime
import threading
from typing import Any, Callable, List

import pytest

import npay_order
from npay_order import AsyncClient, Client, LastChangedStatus, SearchProductOrderContent, SearchRangeType
from npay_order.testing import Sandbox

def orders_on_two_days(sandbox: Sandbox) -> datetime.datetime:
    """3 paid orders now, 2 more 30 hours later (sandbox clock); returns the start of the range."""
    start = sandbox.now() - datetime.timedelta(minutes=1)
    sandbox.create_orders(3)
    sandbox.advance_clock(30 * 3600)
    sandbox.create_orders(2)
    return start


def test_changes_are_followed_across_windows_and_pages(sandbox: Sandbox, client: Client) -> None:
    start = orders_on_two_days(sandbox)
    changes = list(client.iter_last_changed_statuses(last_changed_from=start, limit_count=1))
    assert all(isinstance(c, LastChangedStatus) for c in changes)
    ids = [c.product_order_id for c in changes]
    assert len(ids) == 5 and len(set(ids)) == 5
    # Each item on a page of its own (the second day in a later window): five requests at least.
    assert sandbox.stats().requests["listLastChangedStatuses"] >= 5


def test_an_explicit_end_stops_the_walk(sandbox: Sandbox, client: Client) -> None:
    start = orders_on_two_days(sandbox)
    first_day = list(client.iter_last_changed_statuses(last_changed_from=start, last_changed_to=start + datetime.timedelta(hours=2)))
    assert len(first_day) == 3


def test_search_is_followed_across_windows_and_pages(sandbox: Sandbox, client: Client) -> None:
    start = orders_on_two_days(sandbox)
    found = list(client.iter_search_product_orders(from_=start, range_type=SearchRangeType.PAYED_DATETIME, page_size=2))
    assert all(isinstance(f, SearchProductOrderContent) for f in found)
    assert len({f.product_order_id for f in found}) == 5 == len(found)
    assert sandbox.stats().requests["searchProductOrders"] >= 3


async def test_the_async_iterators_walk_the_same_ranges(sandbox: Sandbox, async_client: AsyncClient) -> None:
    start = orders_on_two_days(sandbox)
    changes = [c async for c in async_client.iter_last_changed_statuses(last_changed_from=start, limit_count=2)]
    found = [f async for f in async_client.iter_search_product_orders(from_=start, range_type="PAYED_DATETIME")]
    assert len(changes) == 5 and len(found) == 5


def test_bad_iterator_arguments_raise_when_the_iterator_is_made(sandbox: Sandbox, client: Client) -> None:
    try:
        client.iter_last_changed_statuses(last_changed_from="yesterday")
    except npay_order.InvalidRequestError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected InvalidRequestError before iterating")
    assert sandbox.stats().total_requests == 0


OPEN_ENDED_WALKS: List[Callable[[Client, datetime.datetime], Any]] = [
    lambda client, start: client.iter_last_changed_statuses(last_changed_from=start),
    lambda client, start: client.iter_search_product_orders(from_=start, range_type=SearchRangeType.PAYED_DATETIME),
]


@pytest.mark.parametrize("walk", OPEN_ENDED_WALKS, ids=["last_changed_statuses", "search_product_orders"])
def test_an_open_ended_walk_ends_even_when_calls_are_slow(sandbox: Sandbox, walk: Callable[[Client, datetime.datetime], Any]) -> None:
    start = sandbox.now() - datetime.timedelta(hours=30)  # two windows, the second one up to now
    ids = sandbox.create_orders(1).product_order_ids
    sandbox.set_faults(latency_ms=5)  # what any network adds
    client = sandbox.client(max_retries=0)
    found: List[Any] = []
    failed: List[BaseException] = []

    def run() -> None:
        try:
            found.extend(walk(client, start))
        except npay_order.NpayError as e:
            failed.append(e)

    walker = threading.Thread(target=run, daemon=True)
    walker.start()
    walker.join(timeout=5)
    ended = not walker.is_alive()
    if not ended:
        sandbox.set_faults(server_error_rate=1.0)  # stops a walk that never ends (max_retries=0)
        walker.join(timeout=30)
    sandbox.set_faults()
    assert ended, f"still walking after 5 s and {sandbox.stats().total_requests} requests"
    assert not failed and [item.product_order_id for item in found] == ids
