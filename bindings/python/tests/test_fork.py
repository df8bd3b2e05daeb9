"""A process that forks (multiprocessing, gunicorn, celery) can call from the child without
hanging: the native runtime is rebuilt there, and so is an inherited client's connection pool."""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any, List

import pytest

import npay_order
from npay_order.testing import Sandbox

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")


def child(base_url: str, client_id: str, client_secret: str, ids: List[str], inherited: Any, results: Any) -> None:
    try:
        fresh = npay_order.Client(client_id, client_secret, base_url=base_url)
        a = len(fresh.query_product_orders(product_order_ids=ids))
        b = len(inherited.query_product_orders(product_order_ids=ids))
        results.put(("ok", a, b))
    except BaseException as e:  # pragma: no cover - reported to the parent
        results.put(("error", repr(e), 0))


def test_clients_work_in_a_forked_child(sandbox: Sandbox) -> None:
    ids = sandbox.create_orders(2).product_order_ids
    parent_client = sandbox.client()
    # Use the runtime and the connection pool in the parent first: that is what breaks naive bindings.
    assert len(parent_client.query_product_orders(product_order_ids=ids)) == 2
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(
        target=child, args=(sandbox.base_url, sandbox.client_id, sandbox.client_secret, ids, parent_client, results)
    )
    process.start()
    process.join(timeout=60)
    if process.is_alive():  # pragma: no cover
        process.kill()
        pytest.fail("the forked child hung")
    assert process.exitcode == 0
    assert results.get(timeout=5) == ("ok", 2, 2)
    # The parent's client still works after the fork.
    assert len(parent_client.query_product_orders(product_order_ids=ids)) == 2


def test_a_pool_of_forked_workers_calls_in_parallel(sandbox: Sandbox) -> None:
    ids = sandbox.create_orders(4).product_order_ids
    client = sandbox.client()
    client.query_product_orders(product_order_ids=ids[:1])
    with multiprocessing.get_context("fork").Pool(2) as pool:
        counts = pool.map(_count, [(sandbox.base_url, sandbox.client_id, sandbox.client_secret, i) for i in ids], chunksize=1)
    assert counts == [1, 1, 1, 1]


def _count(job: Any) -> int:
    base_url, client_id, client_secret, product_order_id = job
    client = npay_order.Client(client_id, client_secret, base_url=base_url)
    return len(client.query_product_orders(product_order_ids=[product_order_id]))
