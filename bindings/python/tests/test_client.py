"""The blocking client against the sandbox: typed results, argument forms, raw responses."""

from __future__ import annotations

import datetime
import signal
import threading
import time
from typing import List

import pytest

import npay_order
from npay_order import (
    ClaimResult,
    Client,
    DeliveryCompanyCode,
    DeliveryMethod,
    DispatchProductOrder,
    LastChangedType,
    ProductOrderDetail,
    ProductOrderStatus,
)
from npay_order.testing import Sandbox


def paid(sandbox: Sandbox, count: int) -> List[str]:
    return sandbox.create_orders(count).product_order_ids


def test_results_are_models_with_snake_case_attributes(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 2)
    details = client.query_product_orders(product_order_ids=ids)
    assert [type(d) for d in details] == [ProductOrderDetail, ProductOrderDetail]
    first = details[0]
    assert first.product_order.product_order_id == ids[0]
    assert first.product_order.product_order_status is ProductOrderStatus.PAYED
    assert first.product_order.product_order_status == "PAYED"
    assert isinstance(first.order.order_date, datetime.datetime)
    assert first.order.order_date.utcoffset() == datetime.timedelta(hours=9)


def test_to_dict_gives_the_json_shape_and_round_trips(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 1)
    detail = client.query_product_orders(product_order_ids=ids)[0]
    shape = detail.to_dict()
    assert shape["productOrder"]["productOrderId"] == ids[0]
    assert shape["productOrder"]["productOrderStatus"] == "PAYED"
    assert isinstance(shape["order"]["orderDate"], str) and shape["order"]["orderDate"].endswith("+09:00")
    assert ProductOrderDetail.from_dict(shape) == detail
    assert ProductOrderDetail.from_dict(shape).to_dict() == shape


def test_models_compare_by_value_and_have_a_readable_repr() -> None:
    a = DispatchProductOrder(product_order_id="1", delivery_method=DeliveryMethod.DELIVERY, dispatch_date="2026-11-27T10:00:00.000+09:00")
    b = DispatchProductOrder(product_order_id="1", delivery_method=DeliveryMethod.DELIVERY, dispatch_date="2026-11-27T10:00:00.000+09:00")
    assert a == b
    assert a != DispatchProductOrder(product_order_id="2", delivery_method="DELIVERY", dispatch_date="2026-11-27T10:00:00.000+09:00")
    shown = repr(a)
    assert shown.startswith("DispatchProductOrder(") and "product_order_id='1'" in shown
    assert "tracking_number" not in shown  # unset fields are left out


def test_datetimes_naive_means_kst_and_aware_ones_are_converted(sandbox: Sandbox, client: Client) -> None:
    paid(sandbox, 1)
    now_kst = sandbox.now()
    naive_kst = now_kst.replace(tzinfo=None) - datetime.timedelta(minutes=5)
    aware_utc = (now_kst - datetime.timedelta(minutes=5)).astimezone(datetime.timezone.utc)
    by_naive = client.list_last_changed_statuses(last_changed_from=naive_kst)
    by_aware = client.list_last_changed_statuses(last_changed_from=aware_utc)
    by_text = client.list_last_changed_statuses(last_changed_from=aware_utc.isoformat())
    assert by_naive.count == by_aware.count == by_text.count == 1
    # Ten hours "earlier" read as UTC would still include it; read as KST it must not.
    in_the_future = naive_kst + datetime.timedelta(hours=1)
    assert client.list_last_changed_statuses(last_changed_from=in_the_future).count == 0


def test_dispatch_items_may_be_models_or_dicts_with_snake_or_camel_keys(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 3)
    client.confirm_product_orders(product_order_ids=ids)
    when = datetime.datetime.now()
    result = client.dispatch_product_orders(
        dispatch_product_orders=[
            DispatchProductOrder(
                product_order_id=ids[0],
                delivery_method=DeliveryMethod.DELIVERY,
                delivery_company_code=DeliveryCompanyCode.CJGLS,
                tracking_number="640012345678",
                dispatch_date=when,
            ),
            {"product_order_id": ids[1], "delivery_method": "DIRECT_DELIVERY", "dispatch_date": when},
            {"productOrderId": ids[2], "deliveryMethod": "DIRECT_DELIVERY", "dispatchDate": when.isoformat()},
        ]
    )
    assert isinstance(result, ClaimResult)
    assert sorted(result.success_product_order_ids or []) == sorted(ids)
    delivered = client.query_product_orders(product_order_ids=ids[:1])[0]
    assert delivered.delivery is not None and delivered.delivery.tracking_number == "640012345678"
    assert delivered.delivery.delivery_company is DeliveryCompanyCode.CJGLS


def test_path_parameters_are_positional(sandbox: Sandbox, client: Client) -> None:
    created = sandbox.create_orders(1, products_per_order=2)
    ids = client.list_product_order_ids(created.order_ids[0])
    assert sorted(ids) == sorted(created.product_order_ids)
    assert client.list_product_order_ids(order_id=created.order_ids[0]) == ids


def test_the_raw_response_holds_status_headers_and_trace_id(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 1)
    raw = client.with_raw_response.confirm_product_orders(product_order_ids=ids)
    assert raw.status == 200
    assert raw.trace_id and raw.trace_id == raw.headers.get("gncp-gw-trace-id")
    assert raw.timestamp is not None and raw.timestamp.endswith("+09:00")
    assert [i.product_order_id for i in raw.data.success_product_order_infos or []] == ids


def test_with_options_shares_the_token_and_changes_the_settings(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 1)
    client.query_product_orders(product_order_ids=ids)
    quick = client.with_options(timeout=5, max_retries=0)
    assert isinstance(quick, Client)
    quick.query_product_orders(product_order_ids=ids)
    assert sandbox.stats().tokens_issued == 1


def test_unknown_enum_values_from_the_server_are_kept() -> None:
    status = ProductOrderStatus("TELEPORTED")
    assert status == "TELEPORTED" and str(status) == "TELEPORTED" and f"{status}" == "TELEPORTED"
    assert not status.is_known and ProductOrderStatus.PAYED.is_known
    assert repr(status) == "ProductOrderStatus('TELEPORTED')"
    change = npay_order.LastChangedStatus.from_dict(
        {
            "orderId": "1",
            "productOrderId": "2",
            "lastChangedType": "BRAND_NEW_TYPE",
            "lastChangedDate": "2026-11-27T10:00:00.000+09:00",
            "productOrderStatus": "TELEPORTED",
        }
    )
    assert change.last_changed_type == "BRAND_NEW_TYPE" and isinstance(change.last_changed_type, LastChangedType)
    assert change.to_dict()["productOrderStatus"] == "TELEPORTED"


def test_enum_members_whose_values_are_not_identifiers_have_python_names() -> None:
    assert DeliveryCompanyCode.GS_THE_FRESH.value == "GS더프레시"
    assert DeliveryCompanyCode.HOME1004.value == "1004HOME"
    assert DeliveryCompanyCode("GS더프레시") is DeliveryCompanyCode.GS_THE_FRESH


def test_blocking_calls_release_the_gil(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 1)
    client.query_product_orders(product_order_ids=ids)  # the token, outside the timing
    sandbox.set_faults(latency_ms=300)
    errors: List[BaseException] = []

    def call() -> None:
        try:
            client.query_product_orders(product_order_ids=ids)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    assert not errors
    # Eight 300 ms calls one after another would take 2.4 s.
    assert elapsed < 1.5, elapsed


def test_ctrl_c_interrupts_a_blocking_call(sandbox: Sandbox, client: Client) -> None:
    ids = paid(sandbox, 1)
    client.query_product_orders(product_order_ids=ids)
    sandbox.set_faults(latency_ms=5000)
    # Python's own Ctrl-C handler, whatever this process inherited: a job started in the
    # background by a non-interactive shell begins with SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, signal.raise_signal, (signal.SIGINT,))
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.query_product_orders(product_order_ids=ids)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert time.perf_counter() - started < 2.0


def test_sign_matches_the_published_test_vector() -> None:
    assert (
        npay_order.sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299)
        == "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy"
    )


def test_credentials_come_from_the_environment(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPAY_CLIENT_ID", sandbox.client_id)
    monkeypatch.setenv("NPAY_CLIENT_SECRET", sandbox.client_secret)
    client = Client(base_url=sandbox.base_url)
    assert client.client_id == sandbox.client_id
    assert client.list_last_changed_statuses(last_changed_from=sandbox.now()).count == 0


def test_the_client_is_a_context_manager(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        assert client.list_last_changed_statuses(last_changed_from=sandbox.now()).count == 0
