"""One embedded sandbox for the whole run, reset before every test that uses it."""

from __future__ import annotations

from typing import Iterator

import pytest

import npay_order
from npay_order.testing import Sandbox


@pytest.fixture(scope="session")
def running_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=7) as sandbox:
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
