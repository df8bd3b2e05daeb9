"""Failures arrive as the exception tree every language shares, with what a caller acts on."""

from __future__ import annotations

import pickle
import socket

import pytest

import npay_order
from npay_order import Client
from npay_order.testing import Sandbox


def test_an_unknown_order_is_a_not_found_error_with_status_code_and_trace_id(sandbox: Sandbox, client: Client) -> None:
    with pytest.raises(npay_order.NotFoundError) as caught:
        client.list_product_order_ids("9999999999999999")
    error = caught.value
    assert isinstance(error, npay_order.ApiError) and isinstance(error, npay_order.NpayError)
    assert error.status == 404 and error.code == "100003"
    assert error.trace_id and error.timestamp and error.timestamp.endswith("+09:00")
    assert error.trace_id in str(error)
    assert error.message and error.message in str(error) and "HTTP 404" not in error.message  # Naver's own words
    assert not error.may_have_been_applied


def test_wrong_credentials_are_an_authentication_error(sandbox: Sandbox) -> None:
    client = Client(sandbox.client_id, "$2a$04$abcdefghijklmnopqrstuu", base_url=sandbox.base_url)
    with pytest.raises(npay_order.AuthenticationError) as caught:
        client.list_product_order_ids("1")
    assert caught.value.status == 401


def test_rate_limits_are_a_rate_limit_error_once_retries_are_spent(sandbox: Sandbox) -> None:
    client = sandbox.client(max_retries=0)
    client.list_last_changed_statuses(last_changed_from=sandbox.now())  # the token first
    sandbox.set_faults(rate_limit_rate=1.0)
    with pytest.raises(npay_order.RateLimitError) as caught:
        client.list_last_changed_statuses(last_changed_from=sandbox.now())
    assert caught.value.status == 429


def test_server_faults_are_a_server_error_once_retries_are_spent(sandbox: Sandbox) -> None:
    client = sandbox.client(max_retries=1)
    client.list_last_changed_statuses(last_changed_from=sandbox.now())
    sandbox.set_faults(server_error_rate=1.0)
    with pytest.raises(npay_order.ServerError) as caught:
        client.list_last_changed_statuses(last_changed_from=sandbox.now())
    assert caught.value.status is not None and caught.value.status >= 500
    assert sandbox.stats().requests["listLastChangedStatuses"] == 3  # 1 + first try + 1 retry


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_no_answer_is_a_connection_error_with_the_transport_error_as_cause(sandbox: Sandbox) -> None:
    client = Client(sandbox.client_id, sandbox.client_secret, base_url=f"http://127.0.0.1:{free_port()}/npay/partner", max_retries=0)
    with pytest.raises(npay_order.ApiConnectionError) as caught:
        client.list_product_order_ids("1")
    assert not isinstance(caught.value, npay_order.ApiTimeoutError)
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert caught.value.status is None


def test_a_slow_answer_is_a_timeout_error(sandbox: Sandbox) -> None:
    client = sandbox.client(timeout=0.3, max_retries=0)
    client.list_last_changed_statuses(last_changed_from=sandbox.now())
    sandbox.set_faults(latency_ms=1500)
    with pytest.raises(npay_order.ApiTimeoutError) as caught:
        client.confirm_product_orders(product_order_ids=["1"])
    assert isinstance(caught.value, npay_order.ApiConnectionError)
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert caught.value.may_have_been_applied  # a mutation with no answer: look before repeating


def test_per_item_failures_of_batch_calls_are_results(sandbox: Sandbox, client: Client) -> None:
    ids = sandbox.create_orders(1).product_order_ids
    client.confirm_product_orders(product_order_ids=ids)
    client.dispatch_product_orders(dispatch_product_orders=[{"product_order_id": ids[0], "delivery_method": "DIRECT_DELIVERY", "dispatch_date": sandbox.now()}])
    again = client.confirm_product_orders(product_order_ids=ids)
    assert [f.product_order_id for f in again.fail_product_order_infos or []] == ids


def test_errors_survive_pickling_for_multiprocessing(sandbox: Sandbox, client: Client) -> None:
    with pytest.raises(npay_order.NotFoundError) as caught:
        client.list_product_order_ids("9999999999999999")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is npay_order.NotFoundError
    assert (copy.status, copy.code, copy.trace_id, str(copy)) == (404, "100003", caught.value.trace_id, str(caught.value))


def test_invalid_request_errors_are_value_errors() -> None:
    assert issubclass(npay_order.InvalidRequestError, ValueError)
    assert issubclass(npay_order.ApiTimeoutError, npay_order.ApiConnectionError)
    for name in ("BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "RateLimitError", "ServerError"):
        assert issubclass(getattr(npay_order, name), npay_order.ApiError)
