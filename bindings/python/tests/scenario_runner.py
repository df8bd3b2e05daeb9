"""Runs the cross-language scenarios of ``tests/scenarios/`` (format: ``tests/README.md``) through
the Python surface: camelCase params become snake_case keyword arguments (path parameters
positional) of the generated methods, and results are compared through ``to_dict()``."""

from __future__ import annotations

import datetime
import inspect
import json
import keyword
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import npay_order
from npay_order.testing import Sandbox

SCENARIOS = Path(__file__).resolve().parents[3] / "tests" / "scenarios"


def scenario_files() -> List[Path]:
    return sorted(SCENARIOS.glob("*.json"))


def python_name(api_name: str) -> str:
    """``lastChangedFrom`` → ``last_changed_from``; reserved words get a ``_`` (``from_``)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", api_name).lower()
    return snake + "_" if keyword.iskeyword(snake) else snake


def plain(value: Any) -> Any:
    """Results as the API's JSON (models through ``to_dict()``)."""
    if isinstance(value, npay_order.OpenEnum):
        return value.value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def matches(expected: Any, actual: Any, at: str) -> None:
    """Raises ``AssertionError`` saying where ``actual`` does not match ``expected``."""
    if isinstance(expected, dict) and "$len" in expected:
        assert isinstance(actual, list) and len(actual) == expected["$len"], f"{at}: expected {expected['$len']} items, got {actual!r}"
    elif isinstance(expected, dict) and "$contains" in expected:
        assert isinstance(actual, list), f"{at}: expected a list, got {actual!r}"
        for item in actual:
            try:
                matches(expected["$contains"], item, at)
                return
            except AssertionError:
                continue
        raise AssertionError(f"{at}: no element matches {expected['$contains']!r}")
    elif isinstance(expected, dict):
        for key, value in expected.items():
            matches(value, actual.get(key) if isinstance(actual, dict) else None, f"{at}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{at}: expected {len(expected)} items, got {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            matches(e, a, f"{at}[{i}]")
    else:
        assert expected == actual, f"{at}: expected {expected!r}, got {actual!r}"


class Runner:
    """Variables, ``$now`` and the translation of one step into a call."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.vars: Dict[str, Any] = {}
        self.now = datetime.datetime.now(npay_order.KST)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name.startswith("now"):
                hours = int(name[3:].rstrip("h") or 0)
                moment = self.now + datetime.timedelta(hours=hours)
                return moment.isoformat(timespec="milliseconds")
            indexed = re.fullmatch(r"(\w+)\[(\d+)\]", name)
            if indexed:
                return self.vars[indexed.group(1)][int(indexed.group(2))]
            return self.vars[name]
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def save(self, step: Dict[str, Any], answer: Any) -> None:
        for var, field in step.get("save", {}).items():
            self.vars[var] = answer[field]

    def control(self, step: Dict[str, Any]) -> Any:
        method, path = step["sandbox"].split(" ", 1)
        path = "/".join(str(self.resolve(part)) for part in path.split("/"))
        body = self.resolve(step["body"]) if "body" in step else None
        answer = self.sandbox.control(method, path, body)
        self.save(step, answer)
        return answer

    def arguments(self, method: Callable[..., Any], params: Dict[str, Any]) -> Tuple[List[Any], Dict[str, Any]]:
        """Path parameters positionally (in the signature's order), the rest by keyword."""
        kwargs = {python_name(k): v for k, v in self.resolve(params).items()}
        args = []
        for parameter in inspect.signature(method).parameters.values():
            if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and parameter.name in kwargs:
                args.append(kwargs.pop(parameter.name))
        return args, kwargs

    def check(self, step: Dict[str, Any], label: str, outcome: Any, error: Optional[npay_order.NpayError]) -> None:
        expected_error = step.get("expectError")
        if expected_error is not None:
            assert error is not None, f"{label}: expected {expected_error}, got success {outcome!r}"
            actual = {"type": type(error).__name__, "status": error.status, "code": error.code}
            matches(self.resolve(expected_error), actual, label)
            return
        if error is not None:
            raise AssertionError(f"{label}: failed: {error!r}") from error
        data = plain(outcome)
        self.save(step, data)
        if "expect" in step:
            matches(self.resolve(step["expect"]), data, label)


def load(path: Path) -> List[Dict[str, Any]]:
    steps: List[Dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["steps"]
    return steps


def run_sync(path: Path, sandbox: Sandbox) -> None:
    sandbox.reset()
    runner = Runner(sandbox)
    client = sandbox.client()
    for i, step in enumerate(load(path), start=1):
        label = f"{path.name} step {i}"
        if "sandbox" in step:
            answer = runner.control(step)
            if "expect" in step:
                matches(runner.resolve(step["expect"]), answer, label)
            continue
        name = step.get("iterate") or step["call"]
        method = getattr(client, python_name(name))
        args, kwargs = runner.arguments(method, step.get("params", {}))
        outcome: Any = None
        error: Optional[npay_order.NpayError] = None
        try:
            outcome = method(*args, **kwargs)
            if "iterate" in step:
                outcome = list(outcome)
        except npay_order.NpayError as e:
            error = e
        runner.check(step, label, outcome, error)


async def run_async(path: Path, sandbox: Sandbox) -> None:
    sandbox.reset()
    runner = Runner(sandbox)
    client = sandbox.async_client()
    for i, step in enumerate(load(path), start=1):
        label = f"{path.name} step {i} (async)"
        if "sandbox" in step:
            answer = runner.control(step)
            if "expect" in step:
                matches(runner.resolve(step["expect"]), answer, label)
            continue
        name = step.get("iterate") or step["call"]
        method = getattr(client, python_name(name))
        args, kwargs = runner.arguments(method, step.get("params", {}))
        outcome: Any = None
        error: Optional[npay_order.NpayError] = None
        try:
            if "iterate" in step:
                outcome = [item async for item in method(*args, **kwargs)]
            else:
                outcome = await method(*args, **kwargs)
        except npay_order.NpayError as e:
            error = e
        runner.check(step, label, outcome, error)
