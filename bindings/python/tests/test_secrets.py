"""The client secret, the signature and the token appear in no repr, log line or error message."""

from __future__ import annotations

import logging
import re
import time

import pytest

import npay_order
from npay_order.testing import Sandbox


def test_the_secret_is_not_in_the_client_repr(sandbox: Sandbox) -> None:
    client = sandbox.client()
    async_client = sandbox.async_client()
    for shown in (repr(client), str(client), repr(async_client), repr(client.with_options(timeout=3)), repr(client._native)):
        assert sandbox.client_secret not in shown
        assert "<redacted>" in shown


def test_nothing_secret_is_logged_at_debug(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = sandbox.client()
    ids = sandbox.create_orders(2).product_order_ids
    client.confirm_product_orders(product_order_ids=ids)
    with pytest.raises(npay_order.NotFoundError):
        client.list_product_order_ids("9999999999999999")
    with pytest.raises(npay_order.InvalidRequestError):
        client.confirm_product_orders(product_order_ids=[])
    # A refused token forces a re-issue, and retries are logged at INFO.
    sandbox.reset()
    sandbox.set_faults(server_error_rate=1.0)
    with pytest.raises(npay_order.ServerError):
        sandbox.client(max_retries=1).list_last_changed_statuses(last_changed_from=sandbox.now())
    text = "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)
    assert "confirmProductOrders: HTTP 200" in text  # the per-call DEBUG line
    assert any(r.name.startswith("npay_order") for r in caplog.records)
    signature = npay_order.sign(sandbox.client_id, sandbox.client_secret, int(time.time() * 1000))
    assert sandbox.client_secret not in text
    assert signature[:20] not in text
    assert not re.search(r"(?i)bearer\s+\S", text)
    assert "access_token" not in text


def test_a_bad_secret_is_not_repeated_in_the_error(sandbox: Sandbox) -> None:
    secret = "my-real-secret-not-a-salt"
    with pytest.raises(npay_order.InvalidRequestError) as caught:
        npay_order.Client(sandbox.client_id, secret, base_url=sandbox.base_url)
    assert secret not in str(caught.value) and secret not in repr(caught.value)


def test_an_authentication_failure_does_not_show_the_secret(sandbox: Sandbox) -> None:
    wrong = "$2a$04$abcdefghijklmnopqrstuu"
    client = npay_order.Client(sandbox.client_id, wrong, base_url=sandbox.base_url)
    with pytest.raises(npay_order.AuthenticationError) as caught:
        client.list_product_order_ids("1")
    shown = f"{caught.value!s} {caught.value!r} {caught.value.__cause__!r}"
    assert wrong not in shown and "abcdefghijklmnopqrstuu" not in shown
