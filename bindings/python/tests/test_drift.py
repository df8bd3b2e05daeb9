"""Reads survive answers that deviate from the spec: the sandbox's deviation fault perturbs its
answers; a tolerant client (the default) reads every order, keeps unknown fields readable, reports
each deviation without its value; a strict client raises."""

from __future__ import annotations

import datetime
import logging
from typing import Any, List

import pytest

import npay_order
from npay_order.testing import Sandbox

pytestmark = pytest.mark.embedded_only(reason="a deviating answer is a violation through prism")


def _personal(value: Any, out: List[str]) -> None:
    """Every string under a key naming a person, a phone or an address."""
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, str) and any(k in key.lower() for k in ("name", "tel", "address")) and len(child) >= 3:
                out.append(child)
            else:
                _personal(child, out)
    elif isinstance(value, list):
        for item in value:
            _personal(item, out)


def _orders(sandbox: Sandbox) -> List[str]:
    return sandbox.create_orders(5).product_order_ids


def test_unknown_fields_are_kept_in_to_dict_and_readable_as_attributes(sandbox: Sandbox) -> None:
    ids = _orders(sandbox)
    sandbox.set_deviations(rate=1.0, kinds=["unknownFields"], seed=3)
    client = sandbox.client(strict=False)
    orders = client.query_product_orders(product_order_ids=ids)
    assert len(orders) == 5
    product_order = orders[0].product_order
    extra = [key for key in product_order.to_dict() if key.startswith("sandboxExtra")]
    assert extra, product_order.to_dict().keys()
    key = extra[0]
    snake = "sandbox_extra" + key[len("sandboxExtra") :]
    assert getattr(product_order, key) == product_order.to_dict()[key]
    assert getattr(product_order, snake) == product_order.to_dict()[key]
    assert product_order.product_order_id in ids, "the declared fields are intact"
    with pytest.raises(AttributeError):
        product_order.no_such_field  # type: ignore[attr-defined]  # noqa: B018


def test_a_deviating_answer_is_read_and_reported_without_its_values(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    ids = _orders(sandbox)
    conforming = [o.to_dict() for o in sandbox.client().query_product_orders(product_order_ids=ids)]
    personal: List[str] = []
    _personal(conforming, personal)
    assert personal, "the orders carry buyers' data to look for"
    sandbox.set_deviations(rate=0.4, kinds=["stringNumbers", "ynBooleans", "wrongTypes", "nulls"], seed=11)
    caplog.set_level(logging.DEBUG, logger="npay_order")
    client = sandbox.client(strict=False)
    orders = client.query_product_orders(product_order_ids=ids)
    assert sorted(o.product_order.product_order_id for o in orders) == sorted(ids)
    report = client.drift_report()
    assert report, "the deviations are reported"
    entry = report[0]
    assert set(entry) >= {"operation", "path", "expected", "seen", "kind", "count", "firstSeen"}
    assert entry["operation"] == "queryProductOrders" and entry["count"] >= 1
    assert {e["kind"] for e in report} <= {"coerced", "emptied", "missing", "unknownField"}
    assert datetime.datetime.fromisoformat(entry["firstSeen"].replace("Z", "+00:00"))
    shown = repr(report) + caplog.text
    for value in personal:
        assert value not in shown, "a buyer's value reached the report or the log"


def test_the_raw_response_keeps_the_answer_as_sent(sandbox: Sandbox) -> None:
    ids = _orders(sandbox)
    client = sandbox.client(strict=False)
    assert client.with_raw_response.query_product_orders(product_order_ids=ids).raw_json is None
    sandbox.set_deviations(rate=1.0, kinds=["wrongTypes"], seed=2)
    raw = client.with_raw_response.query_product_orders(product_order_ids=ids)
    assert raw.raw_json is not None and len(raw.raw_json) == 5
    # A value that could not be coerced is empty in the model and kept in the raw JSON.
    assert raw.data[0].order is None and raw.raw_json[0]["order"] == "unexpected"
    assert raw.data[0].product_order.product_name is None
    assert raw.raw_json[0]["productOrder"]["productName"] == {"unexpected": True}


def test_a_strict_client_raises_naming_the_path(sandbox: Sandbox) -> None:
    ids = _orders(sandbox)
    sandbox.set_deviations(rate=1.0, kinds=["wrongTypes"], seed=5)
    with pytest.raises(npay_order.NpayError) as raised:
        sandbox.client(strict=True).query_product_orders(product_order_ids=ids)
    assert "deviates from the spec (strict)" in str(raised.value)
    assert "data[]." in str(raised.value)


@pytest.mark.asyncio
async def test_the_async_client_reads_tolerantly_too(sandbox: Sandbox) -> None:
    ids = _orders(sandbox)
    sandbox.set_deviations(rate=0.5, seed=9)
    client = sandbox.async_client(strict=False)
    orders = await client.query_product_orders(product_order_ids=ids)
    assert len(orders) == 5
    assert client.drift_report()


def test_strict_must_be_a_bool() -> None:
    with pytest.raises(npay_order.InvalidRequestError):
        npay_order.Client("app", "$2a$04$abcdefghijklmnopqrstuu", strict="yes")  # type: ignore[arg-type]
