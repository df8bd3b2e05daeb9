"""One worker process of the demo: runs WatchAccount workflows, the read activities (within the
rate budget) and the handler, which prints each event and appends it to the demo's sink file."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any, Dict

from temporalio import activity
from temporalio.client import Client

from npay_order.temporal import Credentials, activities_per_second, workers


async def main(address: str, base_url: str, vault: str, sink: str) -> None:
    async def resolve(account: str) -> Credentials:
        # Stand-in for a secrets manager: read in the worker, never sent to Temporal.
        with open(vault, encoding="utf-8") as f:
            return Credentials(client_secret=json.load(f)[account], base_url=base_url)

    @activity.defn(name="print_event")
    async def print_event(event: Dict[str, Any]) -> None:
        print(f"[{os.getpid()}] {event['account']} {event['productOrderId']} {event['lastChangedType']} {event['id']}",
              flush=True)
        with open(sink, "a", encoding="utf-8") as f:
            f.write(json.dumps(event) + "\n")

    client = await Client.connect(address)
    running = workers(client, task_queue="npay-demo", resolve=resolve, handlers=[print_event],
                      read_activities_per_second=activities_per_second(10))
    await asyncio.gather(*(w.run() for w in running))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
