"""Every operation of the spec is callable from Python, on the blocking and the asyncio client.

Reads `openapi/npay-order.yaml` itself, so an operation added to the spec without regenerating the
package fails here. `issueToken` is the core's own call, not part of the surface.
"""

from __future__ import annotations

import inspect
import pathlib
import re
from typing import List

from npay_order import AsyncClient, Client

SPEC = pathlib.Path(__file__).resolve().parents[3] / "openapi" / "npay-order.yaml"
OPERATION_ID = re.compile(r"^\s+operationId:\s*['\"]?([A-Za-z0-9_]+)['\"]?\s*$", re.MULTILINE)
INTERNAL = {"issueToken"}


def snake_case(name: str) -> str:
    """`listLastChangedStatuses` -> `list_last_changed_statuses`, as the generator names methods."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def public_operation_ids() -> List[str]:
    return [i for i in OPERATION_ID.findall(SPEC.read_text(encoding="utf-8")) if i not in INTERNAL]


def test_the_spec_is_found_and_lists_operations() -> None:
    ids = public_operation_ids()
    assert len(ids) >= 20, f"{SPEC}: only {ids}"
    assert len(ids) == len(set(ids)), "operationIds are unique"


def test_every_operation_is_a_method_of_client() -> None:
    missing = [i for i in public_operation_ids() if not callable(getattr(Client, snake_case(i), None))]
    assert missing == [], f"Client lacks {[snake_case(i) for i in missing]}"


def test_every_operation_is_a_coroutine_method_of_async_client() -> None:
    missing = [
        i for i in public_operation_ids()
        if not inspect.iscoroutinefunction(getattr(AsyncClient, snake_case(i), None))
    ]
    assert missing == [], f"AsyncClient lacks coroutine methods {[snake_case(i) for i in missing]}"
