"""Lists longer than one request takes are split and the results merged."""

from __future__ import annotations

from npay_order import Client
from npay_order.testing import Sandbox


def test_more_than_300_ids_are_queried_in_several_requests(sandbox: Sandbox, client: Client) -> None:
    real = sandbox.create_orders(5).product_order_ids
    unknown = [f"9{n:015d}" for n in range(640)]
    details = client.query_product_orders(product_order_ids=unknown[:320] + real + unknown[320:])
    assert sorted(d.product_order.product_order_id for d in details) == sorted(real)
    assert sandbox.stats().requests["queryProductOrders"] == 3  # 645 ids: 300 + 300 + 45


def test_more_than_30_confirmations_are_sent_in_several_requests(sandbox: Sandbox, client: Client) -> None:
    ids = sandbox.create_orders(65).product_order_ids
    result = client.confirm_product_orders(product_order_ids=ids)
    assert sorted(i.product_order_id for i in result.success_product_order_infos or []) == sorted(ids)
    assert not result.fail_product_order_infos
    stats = sandbox.stats()
    assert stats.requests["confirmProductOrders"] == 3  # 30 + 30 + 5
    assert stats.mutations_applied["confirmProductOrders"] == 65


def test_more_than_30_dispatches_are_sent_in_several_requests(sandbox: Sandbox, client: Client) -> None:
    ids = sandbox.create_orders(31).product_order_ids
    client.confirm_product_orders(product_order_ids=ids)
    when = sandbox.now()
    result = client.dispatch_product_orders(
        dispatch_product_orders=[{"product_order_id": i, "delivery_method": "DIRECT_DELIVERY", "dispatch_date": when} for i in ids]
    )
    assert len(result.success_product_order_ids or []) == 31
    assert sandbox.stats().requests["dispatchProductOrders"] == 2
