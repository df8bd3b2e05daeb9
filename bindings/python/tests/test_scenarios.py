"""Every shared scenario of ``tests/scenarios/`` passes through ``Client`` and ``AsyncClient``."""

from __future__ import annotations

from pathlib import Path

import pytest

from npay_order.testing import Sandbox
from scenario_runner import run_async, run_sync, scenario_files

FILES = scenario_files()


def test_the_shared_scenarios_are_found() -> None:
    assert len(FILES) >= 4, FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shared_scenario_passes_with_the_blocking_client(path: Path, sandbox: Sandbox) -> None:
    run_sync(path, sandbox)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
async def test_shared_scenario_passes_with_the_async_client(path: Path, sandbox: Sandbox) -> None:
    await run_async(path, sandbox)
