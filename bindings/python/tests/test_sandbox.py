"""``Sandbox.connect`` attaches the testing helpers to a sandbox that is already running (the
``npay-sandbox`` binary, e.g. in a container): clients go to its ``api_url``, control goes to the
sandbox itself, and it is never stopped from here."""

from __future__ import annotations

import socket

import pytest

import npay_order
from npay_order.testing import Sandbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_connect_gives_the_same_helpers_for_a_running_sandbox(sandbox: Sandbox) -> None:
    # The suite's own sandbox (embedded, or the external one behind a proxy), attached to again.
    attached = Sandbox.connect(
        sandbox.sandbox_url + "/",
        api_url=sandbox.base_url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
    )
    assert not attached.embedded
    assert attached.sandbox_url == sandbox.sandbox_url  # without the trailing "/"
    assert attached.base_url == sandbox.base_url
    assert (attached.client_id, attached.client_secret, attached.seed) == (sandbox.client_id, sandbox.client_secret, sandbox.seed)
    assert repr(attached).startswith(f"Sandbox.connect({sandbox.sandbox_url!r}")

    ids = attached.create_orders(2).product_order_ids
    with attached.client() as client:
        client.confirm_product_orders(product_order_ids=ids)
    assert sandbox.stats().mutations_applied["confirmProductOrders"] == 2  # one sandbox, seen twice

    with attached:
        pass
    attached.close()  # only lets go of it
    assert attached.stats().requests["confirmProductOrders"] == 1
    attached.reset()
    assert sandbox.stats().total_requests == 0


@pytest.mark.embedded_only(reason="starts and stops sandboxes of its own, with custom credentials")
def test_connect_reads_the_sandbox_and_never_stops_it() -> None:
    secret = "$2a$04$abcdefghijklmnopqrstuu"
    with Sandbox(client_id="my-app", client_secret=secret, seed=3) as own:
        assert own.embedded and own.sandbox_url == own.base_url
        attached = Sandbox.connect(own.base_url, client_secret=secret)
        # The client id and the seed are the ones the running sandbox reports.
        assert (attached.client_id, attached.seed) == ("my-app", 3)
        assert attached.base_url == attached.sandbox_url == own.base_url
        assert repr(attached) == f"Sandbox.connect({own.base_url!r})"
        ids = attached.create_orders(1).product_order_ids
        attached.close()
        assert len(own.client().query_product_orders(product_order_ids=ids)) == 1
        assert own.stats().requests["queryProductOrders"] == 1
        url = own.base_url
    with pytest.raises(RuntimeError, match="no npay-sandbox answers at"):
        Sandbox.connect(url)


@pytest.mark.embedded_only(reason="starts a sandbox of its own and gives its clients a closed port")
def test_clients_of_a_connected_sandbox_go_to_its_api_url() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/npay/partner"
    with Sandbox() as own:
        attached = Sandbox.connect(own.base_url, api_url=nowhere)
        assert attached.base_url == nowhere
        with pytest.raises(npay_order.ApiConnectionError):
            attached.client(max_retries=0).list_product_order_ids("1")
        assert attached.stats().total_requests == 0  # the control API still reached the sandbox


def test_connect_refuses_what_is_not_an_http_url() -> None:
    for url in ("ftp://127.0.0.1/npay/partner", "127.0.0.1:8080", ""):
        with pytest.raises(npay_order.InvalidRequestError):
            Sandbox.connect(url)
    with pytest.raises(npay_order.InvalidRequestError):
        Sandbox.connect("http://127.0.0.1:9/npay/partner", api_url="not a url")
