"""One sandbox for the whole run, reset before every test that uses it.

By default it is embedded (started in this process). With ``NPAY_TEST_SANDBOX_URL`` set — the base
URL of a running ``npay-sandbox``, e.g. ``http://127.0.0.1:41234/npay/partner`` — the suite uses
that one instead (:meth:`Sandbox.connect`), and never stops it:

- ``NPAY_TEST_API_URL``: the base URL clients are given, e.g. a ``prism proxy --errors`` in front
  of the sandbox, so that every request and answer of the run is checked against the spec
  (default: ``NPAY_TEST_SANDBOX_URL``). The control API always goes to the sandbox itself.
- ``NPAY_TEST_CLIENT_ID`` / ``NPAY_TEST_CLIENT_SECRET``: its credentials (default: the sandbox's).

Run the suite sequentially then (as it runs by default): its tests share that one sandbox.
Tests marked ``embedded_only(reason=...)`` are skipped then, with that reason: mostly those that
need a sandbox of their own (its lifecycle, custom credentials, connection resets).
"""

from __future__ import annotations

import os
from typing import Iterator, Optional

import pytest

import npay_order
from npay_order.testing import Sandbox


def env(name: str) -> Optional[str]:
    return os.environ.get(name) or None


#: The running sandbox the suite was pointed at, if any.
EXTERNAL_SANDBOX_URL = env("NPAY_TEST_SANDBOX_URL")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "embedded_only(reason): the test cannot run against an external sandbox (behind a proxy); "
        "skipped, with that reason, when NPAY_TEST_SANDBOX_URL points the suite at a running one",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("embedded_only")
    if marker is not None and EXTERNAL_SANDBOX_URL:
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else None)
        assert reason, f"{item.nodeid}: embedded_only needs a reason"
        pytest.skip(f"external sandbox: {reason}")


@pytest.fixture(scope="session")
def running_sandbox() -> Iterator[Sandbox]:
    if EXTERNAL_SANDBOX_URL:
        # close() leaves it running: it is not ours.
        with Sandbox.connect(
            EXTERNAL_SANDBOX_URL,
            api_url=env("NPAY_TEST_API_URL"),
            client_id=env("NPAY_TEST_CLIENT_ID"),
            client_secret=env("NPAY_TEST_CLIENT_SECRET"),
        ) as sandbox:
            sandbox.client_defaults = {"strict": True}
            yield sandbox
    else:
        with Sandbox(seed=7) as sandbox:
            # Our suite proves the sandbox answers exactly as the spec says.
            sandbox.client_defaults = {"strict": True}
            yield sandbox


@pytest.fixture
def sandbox(running_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox, with no orders, tokens, faults or statistics."""
    running_sandbox.reset()
    return running_sandbox


@pytest.fixture
def client(sandbox: Sandbox) -> npay_order.Client:
    """A new blocking client (its own token) for the sandbox."""
    return sandbox.client()


@pytest.fixture
def async_client(sandbox: Sandbox) -> npay_order.AsyncClient:
    """A new asyncio client for the sandbox."""
    return sandbox.async_client()
