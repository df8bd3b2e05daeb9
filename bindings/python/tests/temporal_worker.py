"""A worker process of the Temporal chaos test (``test_temporal.py`` starts and kills it).

Usage: ``python temporal_worker.py <temporal address> <config.json>``. The config names the task
queues, the read budget, the credentials file (a stand-in for a vault: read by the resolver, in
the worker, never sent to Temporal) and the sink, a file the handler appends one JSON line to per
event it receives.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any, Dict

from temporalio import activity
from temporalio.client import Client

from npay_order.temporal import Credentials, workers


async def main(address: str, config_path: str) -> None:
    with open(config_path, encoding="utf-8") as f:
        config: Dict[str, Any] = json.load(f)
    sink = config["sink"]

    async def resolve(account: str) -> Credentials:
        with open(config["credentials"], encoding="utf-8") as f:
            secrets: Dict[str, str] = json.load(f)
        return Credentials(client_secret=secrets[account], base_url=config["baseUrl"])

    @activity.defn(name="record_event")
    async def record_event(event: Dict[str, Any]) -> None:
        handed_at = int(time.time() * 1000)
        line = json.dumps({**event, "pid": os.getpid(), "handedAtMs": handed_at}, separators=(",", ":")) + "\n"
        fd = os.open(sink, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    client = await Client.connect(address)
    running = workers(
        client,
        task_queue=config["taskQueue"],
        read_task_queue=config["readTaskQueue"],
        read_activities_per_second=config.get("readActivitiesPerSecond"),
        resolve=resolve,
        handlers=[record_event],
    )
    print("ready", flush=True)
    await asyncio.gather(*(w.run() for w in running))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
