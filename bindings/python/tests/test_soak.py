"""Under injected faults (10 % server errors, 5 % rate limits, 2 % connection resets) every read
succeeds in the end and every mutation is accounted for: what the client reported as applied is
what the sandbox applied — nothing lost, nothing done twice. The mix: confirm then dispatch; every
fourth order canceled by the seller instead; half of the parcels returned (the buyer asks, the
courier collects, the seller approves). Ambiguous outcomes are settled by the
core (it reads the orders) or surfaced with ``may_have_been_applied``, never guessed.

The default is a short soak; the long form is ``NPAY_SOAK_CALLS=10000 pytest tests/test_soak.py``.

Through a proxy (``NPAY_TEST_API_URL``, e.g. ``prism proxy``) there are no connection resets: the
proxy would answer a reset with an answer of its own, which is no longer the sandbox's fault. The
server errors and rate limits stay, and their answers are checked by the proxy.
"""

from __future__ import annotations

import datetime
import os
from typing import Callable, Dict, List, TypeVar

import npay_order
from npay_order.testing import Sandbox

KST = datetime.timezone(datetime.timedelta(hours=9))
R = TypeVar("R")


def soak_calls() -> int:
    return int(os.environ.get("NPAY_SOAK_CALLS", "200"))


class Ledger:
    """What the client said about one kind of mutation, per product order id."""

    def __init__(self) -> None:
        self.applied: List[str] = []
        self.unsettled: List[str] = []
        self.not_applied: List[str] = []

    def record(self, product_order_id: str, call: Callable[[], R], succeeded: Callable[[R], List[str]]) -> bool:
        try:
            result = call()
        except npay_order.NpayError as error:
            (self.unsettled if error.may_have_been_applied else self.not_applied).append(product_order_id)
            return False
        ids = succeeded(result)
        if product_order_id in ids:
            self.applied.append(product_order_id)
            return True
        self.not_applied.append(product_order_id)
        return False

    def check(self, name: str, took_effect: set[str], sandbox_applied: int) -> None:
        assert set(self.applied) <= took_effect, f"{name}: everything reported as applied was applied"
        assert not took_effect & set(self.not_applied), f"{name}: nothing reported as not applied was applied"
        assert sandbox_applied == len(self.applied) + len(took_effect & set(self.unsettled)), f"{name}: applied once each"


def test_under_faults_reads_succeed_and_every_mutation_is_accounted_for(sandbox: Sandbox) -> None:
    ids = sandbox.create_orders(soak_calls() // 3).product_order_ids
    through_a_proxy = sandbox.base_url != sandbox.sandbox_url
    sandbox.set_faults(server_error_rate=0.10, rate_limit_rate=0.05, reset_rate=0.0 if through_a_proxy else 0.02, seed=42)
    client = sandbox.client(max_retries=8)
    ledgers: Dict[str, Ledger] = {name: Ledger() for name in ("confirm", "dispatch", "cancel", "return")}
    now = datetime.datetime.now(KST)
    for i, product_order_id in enumerate(ids):
        # A read before each mutation: retried until it succeeds.
        assert len(client.query_product_orders(product_order_ids=[product_order_id])) == 1
        if i % 4 == 3:
            ledgers["cancel"].record(
                product_order_id,
                lambda: client.request_cancel(product_order_id, cancel_reason="SOLD_OUT"),
                lambda r: list(r.success_product_order_ids or []),
            )
            continue
        confirmed = ledgers["confirm"].record(
            product_order_id,
            lambda: client.confirm_product_orders(product_order_ids=[product_order_id]),
            lambda r: [info.product_order_id for info in r.success_product_order_infos or []],
        )
        if not confirmed:
            continue
        parcel = {
            "product_order_id": product_order_id,
            "delivery_method": "DELIVERY",
            "delivery_company_code": "CJGLS",
            "tracking_number": "64" + product_order_id[-10:],
            "dispatch_date": now,
        }
        dispatched = ledgers["dispatch"].record(
            product_order_id,
            lambda: client.dispatch_product_orders(dispatch_product_orders=[parcel]),
            lambda r: list(r.success_product_order_ids or []),
        )
        if dispatched and i % 2 == 0:
            for event in ("deliver", "request-return", "collect-done"):
                sandbox.event(product_order_id, event)
            ledgers["return"].record(
                product_order_id,
                lambda: client.approve_return(product_order_id),
                lambda r: list(r.success_product_order_ids or []),
            )
    sandbox.set_faults()

    details = client.query_product_orders(product_order_ids=ids)
    orders = [d.product_order for d in details]
    took_effect = {
        "confirm": {o.product_order_id for o in orders if o.place_order_status == "OK"},
        "dispatch": {o.product_order_id for o in orders if o.product_order_status in ("DELIVERING", "DELIVERED", "RETURNED")},
        "cancel": {o.product_order_id for o in orders if o.product_order_status == "CANCELED"},
        "return": {o.product_order_id for o in orders if o.claim_status == "RETURN_DONE"},
    }
    stats = sandbox.stats()
    operations = {"confirm": "confirmProductOrders", "dispatch": "dispatchProductOrders", "cancel": "requestCancel", "return": "approveReturn"}
    for name, ledger in ledgers.items():
        ledger.check(name, took_effect[name], stats.mutations_applied.get(operations[name], 0))
        assert ledger.applied, f"the mix reaches {name}"
    assert stats.requests.get("confirmProductOrders", 0) > len(ledgers["confirm"].applied), "faults were injected"
    unsettled = [i for ledger in ledgers.values() for i in ledger.unsettled]
    assert len(unsettled) * 50 <= len(ids) + 50, f"ambiguous outcomes are settled by reading: {unsettled}"
