"""A large answer of a blocking call (or of an asyncio call alone in flight) is read onto its lazy
models straight from its body, while the core decodes it; it must read exactly as the same orders
do from the typed answer (small answers, asyncio calls in flight together), and fall back to the
typed answer whenever the body would read otherwise (nulls, a deviation)."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any, Dict, List

import pytest

from npay_order import AsyncClient, Client, DelayedDispatchReason, ProductOrderDetail
from npay_order.testing import Sandbox

pytestmark = pytest.mark.embedded_only(reason="compares answers of the same orders, and deviates them")

#: 40 orders make an answer of about 107 kB, 20 of about 53 kB: either side of the 64 kB from
#: which a body is read alongside the decode.
ORDERS = 40
ALONGSIDE_FROM = 64 * 1024

#: Needs escapes in JSON (a quote, a backslash, a line break), so its body text is not its value.
ESCAPED = '택배사 "지연" 안내\\첫 줄\n둘째 줄'


def shapes(details: List[ProductOrderDetail]) -> List[Dict[str, Any]]:
    return [detail.to_dict() for detail in details]


def from_body(details: List[ProductOrderDetail]) -> bool:
    return all(detail._raw._read_from_body for detail in details)


@pytest.fixture
def ids(sandbox: Sandbox, client: Client) -> List[str]:
    ids = sandbox.create_orders(ORDERS).product_order_ids
    due = sandbox.now() + datetime.timedelta(days=3)
    client.delay_dispatch(
        ids[7],
        delayed_dispatch_reason=DelayedDispatchReason.CUSTOMER_REQUEST,
        dispatch_due_date=due,
        dispatch_delayed_detailed_reason=ESCAPED,
    )
    return ids


def test_a_large_answer_reads_as_the_same_orders_in_small_answers(client: Client, ids: List[str]) -> None:
    raw = client.with_raw_response.query_product_orders(product_order_ids=ids)
    assert int(raw.headers["content-length"]) > ALONGSIDE_FROM
    large = client.query_product_orders(product_order_ids=ids)
    assert from_body(large) and from_body(raw.data)
    half = ORDERS // 2
    halves = [client.query_product_orders(product_order_ids=part) for part in (ids[:half], ids[half:])]
    assert not any(from_body(part) for part in halves), "a small answer is read from the typed answer"
    assert shapes(large) == shapes(halves[0] + halves[1]) == shapes(raw.data)
    assert large == halves[0] + halves[1]
    # The escaped text reads as its value, and untouched orders keep the field absent.
    assert large[7].product_order.delayed_dispatch_detailed_reason == ESCAPED
    assert large[8].product_order.delayed_dispatch_detailed_reason is None


async def test_asyncio_calls_read_a_large_answer_alike_alone_or_together(
    client: Client, async_client: AsyncClient, ids: List[str]
) -> None:
    alone = await async_client.query_product_orders(product_order_ids=ids)
    together = await asyncio.gather(*(async_client.query_product_orders(product_order_ids=ids) for _ in range(4)))
    assert from_body(alone), "an asyncio call alone in flight reads its body as a blocking call does"
    assert not all(from_body(answer) for answer in together), "calls in flight together read their typed answers"
    expected = shapes(client.query_product_orders(product_order_ids=ids))
    assert all(shapes(answer) == expected for answer in [alone, *together])


def test_a_large_answer_with_nulls_reads_as_its_typed_answer(sandbox: Sandbox, ids: List[str]) -> None:
    client = sandbox.client(strict=False)  # a strict client refuses the nulls
    omitted = client.query_product_orders(product_order_ids=ids)
    sandbox.control("PUT", "absent-fields", {"as": "null"})
    try:
        with_nulls = client.query_product_orders(product_order_ids=ids)
    finally:
        sandbox.control("PUT", "absent-fields", {"as": "omitted"})
    assert not from_body(with_nulls), "a body with nulls reads otherwise than its typed answer"
    assert shapes(with_nulls) == shapes(omitted)
    assert None not in (value for shape in shapes(with_nulls) for value in shape.values())


def test_a_deviating_large_answer_is_repaired_and_reported(sandbox: Sandbox, ids: List[str]) -> None:
    client = sandbox.client(strict=False)
    sandbox.set_deviations(rate=1.0, kinds=["stringNumbers"], seed=5)
    repaired = client.query_product_orders(product_order_ids=ids)
    assert not from_body(repaired)
    assert len(repaired) == ORDERS
    assert all(isinstance(detail.order.general_payment_amount, int) for detail in repaired)
    assert client.drift_report(), "the deviations of the large answer are reported"
