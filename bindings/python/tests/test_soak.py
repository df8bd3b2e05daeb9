"""Under injected faults (10 % server errors, 5 % rate limits, 2 % connection resets) every read
succeeds in the end and every mutation is accounted for: what the client reported as applied is
what the sandbox applied — nothing lost, nothing done twice. Ambiguous outcomes are settled by the
core (it reads the orders) or surfaced with ``may_have_been_applied``, never guessed.

The default is a short soak; the long form is ``NPAY_SOAK_CALLS=10000 pytest tests/test_soak.py``.

Through a proxy (``NPAY_TEST_API_URL``, e.g. ``prism proxy``) there are no connection resets: the
proxy would answer a reset with an answer of its own, which is no longer the sandbox's fault. The
server errors and rate limits stay, and their answers are checked by the proxy.
"""

from __future__ import annotations

import os
from typing import List

import npay_order
from npay_order.testing import Sandbox


def soak_calls() -> int:
    return int(os.environ.get("NPAY_SOAK_CALLS", "200"))


def test_under_faults_reads_succeed_and_every_mutation_is_accounted_for(sandbox: Sandbox) -> None:
    ids = sandbox.create_orders(soak_calls() // 2).product_order_ids
    through_a_proxy = sandbox.base_url != sandbox.sandbox_url
    sandbox.set_faults(server_error_rate=0.10, rate_limit_rate=0.05, reset_rate=0.0 if through_a_proxy else 0.02, seed=42)
    client = sandbox.client(max_retries=8)
    confirmed: List[str] = []
    unsettled: List[str] = []
    not_applied: List[str] = []
    for product_order_id in ids:
        # A read before each mutation: retried until it succeeds.
        assert len(client.query_product_orders(product_order_ids=[product_order_id])) == 1
        try:
            result = client.confirm_product_orders(product_order_ids=[product_order_id])
        except npay_order.NpayError as error:
            (unsettled if error.may_have_been_applied else not_applied).append(product_order_id)
            continue
        confirmed.extend(info.product_order_id for info in result.success_product_order_infos or [])
        not_applied.extend(info.product_order_id for info in result.fail_product_order_infos or [])
    sandbox.set_faults()

    details = client.query_product_orders(product_order_ids=ids)
    placed = {d.product_order.product_order_id for d in details if d.product_order.place_order_status == "OK"}
    assert set(confirmed) <= placed, "everything reported as applied was applied"
    assert not placed & set(not_applied), "nothing reported as not applied was applied"
    stats = sandbox.stats()
    applied_unsettled = len(placed & set(unsettled))
    assert stats.mutations_applied.get("confirmProductOrders", 0) == len(confirmed) + applied_unsettled
    assert stats.requests.get("confirmProductOrders", 0) > len(ids), "faults were injected"
    assert len(unsettled) * 50 <= len(ids) + 50, f"ambiguous outcomes are settled by reading: {unsettled}"
