"""The asyncio client: coroutines served by the native runtime, many at once."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import List

import pytest

import npay_order
from npay_order import AsyncClient, ProductOrderDetail
from npay_order.testing import Sandbox


async def test_many_calls_run_concurrently_with_gather(sandbox: Sandbox, async_client: AsyncClient) -> None:
    ids = sandbox.create_orders(20).product_order_ids
    await async_client.query_product_orders(product_order_ids=ids[:1])  # the token, outside the timing
    sandbox.set_faults(latency_ms=200)
    started = time.perf_counter()
    results = await asyncio.gather(*(async_client.query_product_orders(product_order_ids=[i]) for i in ids))
    elapsed = time.perf_counter() - started
    assert [r[0].product_order.product_order_id for r in results] == ids
    assert all(isinstance(r[0], ProductOrderDetail) for r in results)
    # Twenty 200 ms calls one after another would take 4 s.
    assert elapsed < 2.0, elapsed
    assert sandbox.stats().requests["queryProductOrders"] == 21


async def test_a_hundred_gathered_calls_all_answer(sandbox: Sandbox, async_client: AsyncClient) -> None:
    ids = sandbox.create_orders(1).product_order_ids
    results = await asyncio.gather(*(async_client.query_product_orders(product_order_ids=ids) for _ in range(100)))
    assert len(results) == 100 and all(len(r) == 1 for r in results)
    assert sandbox.stats().tokens_issued == 1  # one token for all of them


async def test_errors_are_raised_from_the_awaited_call(sandbox: Sandbox, async_client: AsyncClient) -> None:
    with pytest.raises(npay_order.NotFoundError) as caught:
        await async_client.list_product_order_ids("9999999999999999")
    assert caught.value.status == 404 and caught.value.code == "100003"
    with pytest.raises(npay_order.InvalidRequestError):
        await async_client.confirm_product_orders(product_order_ids=[])
    assert sandbox.stats().requests["confirmProductOrders"] == 0


async def test_the_async_raw_response(sandbox: Sandbox, async_client: AsyncClient) -> None:
    ids = sandbox.create_orders(1).product_order_ids
    raw = await async_client.with_raw_response.query_product_orders(product_order_ids=ids)
    assert raw.status == 200 and raw.trace_id
    assert raw.data[0].product_order.product_order_id == ids[0]


async def test_a_cancelled_call_does_not_disturb_the_next(sandbox: Sandbox, async_client: AsyncClient) -> None:
    ids = sandbox.create_orders(1).product_order_ids
    sandbox.set_faults(latency_ms=500)
    task = asyncio.ensure_future(async_client.query_product_orders(product_order_ids=ids))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sandbox.set_faults()
    assert len(await async_client.query_product_orders(product_order_ids=ids)) == 1


async def test_the_async_client_is_an_async_context_manager(sandbox: Sandbox) -> None:
    async with sandbox.async_client() as client:
        assert (await client.list_last_changed_statuses(last_changed_from=sandbox.now())).count == 0


def test_each_event_loop_gets_its_own_answers(sandbox: Sandbox) -> None:
    """One client, used from loops one after another and from a loop in another thread at once."""
    client = sandbox.async_client()
    ids = sandbox.create_orders(3).product_order_ids

    async def read(count: int) -> List[str]:
        results = await asyncio.gather(*(client.query_product_orders(product_order_ids=ids) for _ in range(count)))
        return [d.product_order.product_order_id for r in results for d in r]

    assert asyncio.run(read(5)) == ids * 5
    assert asyncio.run(read(5)) == ids * 5  # a second loop on the same thread
    elsewhere: List[List[str]] = []
    thread = threading.Thread(target=lambda: elsewhere.append(asyncio.run(read(20))))
    thread.start()
    here = asyncio.run(read(20))
    thread.join()
    assert here == ids * 20 and elsewhere == [ids * 20]


async def test_a_cancelled_call_is_abandoned_not_answered_later(sandbox: Sandbox, async_client: AsyncClient) -> None:
    ids = sandbox.create_orders(1).product_order_ids
    await async_client.query_product_orders(product_order_ids=ids)
    sandbox.set_faults(latency_ms=300)
    waiting = [asyncio.ensure_future(async_client.query_product_orders(product_order_ids=ids)) for _ in range(10)]
    await asyncio.sleep(0.05)
    for task in waiting[:5]:
        task.cancel()
    done = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(d, asyncio.CancelledError) for d in done[:5])
    assert all(isinstance(d, list) and len(d) == 1 for d in done[5:])

