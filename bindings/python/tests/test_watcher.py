"""The order watcher from Python: run(handler), for, async for with ack, retries and parking,
graceful stop on SIGINT, counted against the sandbox's own record of every change."""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import threading
from pathlib import Path
from typing import List, Set, Tuple

import pytest

import npay_order
from npay_order.testing import Sandbox

FAST = dict(
    settle_lag=datetime.timedelta(milliseconds=100),
    overlap=datetime.timedelta(seconds=3),
    poll_interval=datetime.timedelta(milliseconds=50),
)


def latest_changes(sandbox: Sandbox) -> Set[Tuple[str, str]]:
    """(productOrderId, lastChangedType) of every product order's latest recorded change."""
    changes = sandbox.control("GET", "changes")["changes"]
    return {(c["productOrderId"], c["lastChangedType"]) for c in changes if "replacedAtMs" not in c}


def watcher(sandbox: Sandbox, client: npay_order.Client, store: Path, **options: object) -> npay_order.Watcher:
    since = sandbox.now() - datetime.timedelta(minutes=1)
    return npay_order.Watcher(client, str(store), since=since, **{**FAST, **options})  # type: ignore[arg-type]


def test_run_hands_every_change_to_the_handler_once_with_typed_change_and_details(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    sandbox.create_orders(30, products_per_order=2)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite")
    seen: List[npay_order.Event] = []

    def handle(event: npay_order.Event) -> None:
        seen.append(event)
        if len(seen) == 60:
            w.stop()

    w.run(handle)
    assert {(e.product_order_id, e.last_changed_type) for e in seen} == latest_changes(sandbox)
    assert len({e.id for e in seen}) == 60, "no event handed over twice"
    event = seen[0]
    assert event.attempt == 1
    assert event.change.product_order_id == event.product_order_id
    assert event.detail is not None and event.detail.product_order.product_order_id == event.product_order_id
    assert event.last_changed_date.tzinfo is not None
    assert event.to_dict()["productOrderId"] == event.product_order_id
    assert [s.status for s in w.events()] == ["done"] * 60
    assert w.cursor() is not None


def test_a_new_watcher_over_the_same_store_goes_on_where_the_last_stopped(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    store = tmp_path / "orders.sqlite"
    ids = sandbox.create_orders(2).product_order_ids
    first = watcher(sandbox, client, store)
    taken = []
    for event in first:
        taken.append(event.product_order_id)
        event.ack()
        if len(taken) == 2:
            first.stop()
    assert sorted(taken) == sorted(ids)
    sandbox.event(ids[0], "request-cancel")
    second = npay_order.Watcher(client, str(store), **FAST)  # type: ignore[arg-type]  # no since: the cursor
    for event in second:
        assert event.product_order_id == ids[0], "only the change made after the first watcher stopped"
        assert (ids[0], event.last_changed_type) in latest_changes(sandbox)
        assert event.last_changed_type.startswith("CLAIM_")
        assert event.ack()
        second.stop()


def test_async_for_with_await_ack_hands_over_each_change(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.create_orders(5)
    client = sandbox.async_client()
    w = watcher(sandbox, client, tmp_path / "orders.sqlite")  # type: ignore[arg-type]

    async def main() -> List[str]:
        got = []
        async for event in w:
            got.append(event.product_order_id)
            assert await event.ack()
            if len(got) == 5:
                w.stop()
        return got

    got = asyncio.run(asyncio.wait_for(main(), 30))
    assert {(po, "PAYED") for po in got} == latest_changes(sandbox)


def test_run_async_retries_a_failing_coroutine_handler_with_the_same_id(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    sandbox.create_orders(1)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite", retry_base=datetime.timedelta(milliseconds=10))
    attempts: List[Tuple[str, int]] = []

    async def handle(event: npay_order.Event) -> None:
        attempts.append((event.id, event.attempt))
        if event.attempt < 3:
            raise ConnectionError("the shop's database is down")
        w.stop()

    asyncio.run(asyncio.wait_for(w.run_async(handle), 30))
    assert [a for _, a in attempts] == [1, 2, 3]
    assert len({i for i, _ in attempts}) == 1
    assert [s.status for s in w.events()] == ["done"]


def test_an_event_that_keeps_failing_is_parked_listed_with_the_class_only_and_resendable(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    buyer_secret = "홍길동 010-1234-5678"
    sandbox.create_orders(1)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite", max_attempts=2, retry_base=datetime.timedelta(milliseconds=10))
    seen: List[int] = []

    def handle(event: npay_order.Event) -> None:
        seen.append(event.attempt)
        if len(seen) == 2:
            threading.Timer(0.6, w.stop).start()  # after the second failure is parked
        raise RuntimeError(buyer_secret)

    w.run(handle)
    assert seen == [1, 2]
    [parked] = w.events(status="failed")
    assert parked.last_error is not None and "RuntimeError" in parked.last_error
    assert buyer_secret not in parked.last_error, "a handler's message may quote buyers' data"
    assert w.resend(parked.event.id)
    assert [s.status for s in w.events(status="pending")] == ["pending"]
    assert not w.resend("no-such-event")


def test_asking_for_the_next_event_without_answering_brings_the_last_one_back(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    sandbox.create_orders(1)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite", retry_base=datetime.timedelta(milliseconds=10))
    first = w.next()
    assert first is not None
    again = w.next()
    assert again is not None and (again.id, again.attempt) == (first.id, 2)
    assert again.ack()
    assert not first.ack(), "an answered event cannot be answered twice"
    w.stop()
    assert w.next() is None


def test_sigint_during_run_finishes_the_event_in_flight_and_returns(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    sandbox.create_orders(3)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite")
    finished: List[str] = []

    def handle(event: npay_order.Event) -> None:
        if not finished:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while this handler still runs
        finished.append(event.id)

    w.run(handle)  # returns instead of raising KeyboardInterrupt
    assert w.stopped
    assert len(finished) >= 1
    done = {s.event.id for s in w.events(status="done")}
    assert set(finished) <= done, "the event in flight was finished and marked done"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "the handler is restored"


def test_bad_settings_are_refused_before_anything_is_sent(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    store = str(tmp_path / "orders.sqlite")
    with pytest.raises(npay_order.InvalidRequestError):
        npay_order.Watcher(client, store, since=datetime.timedelta(hours=1), page_size=0)
    with pytest.raises(ValueError):
        npay_order.Watcher(client, store, since=datetime.datetime(2026, 1, 1))  # naive
    with pytest.raises(TypeError):
        npay_order.Watcher(client, store, since=datetime.timedelta(hours=1), events="PAYED")
    with pytest.raises(TypeError):
        npay_order.Watcher(object(), store)
    fresh = npay_order.Watcher(client, store)  # no cursor yet and no since
    with pytest.raises(npay_order.InvalidRequestError, match="since"):
        fresh.next()
    assert sandbox.stats().total_requests == 0


def test_an_event_repr_names_ids_and_kinds_but_no_buyer_data(
    sandbox: Sandbox, client: npay_order.Client, tmp_path: Path
) -> None:
    sandbox.create_orders(1)
    w = watcher(sandbox, client, tmp_path / "orders.sqlite")
    event = w.next()
    assert event is not None
    text = repr(event)
    assert event.id in text and "PAYED" in text
    detail = event.detail
    assert detail is not None
    for value in (event.product_order_id, detail.order.orderer_name, detail.order.orderer_tel):
        assert value is None or value not in text
    event.ack()
    w.stop()
    assert repr(w) == f"Watcher(account={client.client_id!r})"
