"""Drives the demo (see README.md): dev server, sandbox with 20 applications and traffic, two
workers, a minute of watching with one worker killed half-way, then the count against the
sandbox's own record of every change."""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import List, Set

from temporalio.client import Client

from npay_order.temporal import WatchAdmin, event_id
from npay_order.testing import Sandbox

ACCOUNTS = 20
SECONDS = float(os.environ.get("DEMO_SECONDS", "60"))
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dev_server() -> "tuple[subprocess.Popen[bytes], str]":
    cli = str(Path(sysconfig.get_path("scripts")) / "temporal")
    port = free_port()
    args = [cli, "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port), "--headless",
            "--ui-port", str(free_port()), "--http-port", str(free_port()), "--metrics-port", str(free_port()),
            "--log-level", "error"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the Temporal dev server did not start")


async def watch(address: str, accounts: List[str], start: bool) -> None:
    admin = WatchAdmin(await Client.connect(address), task_queue="npay-demo")
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=10)
    for account in accounts:
        if start:
            await admin.start(account, since=since, settle_lag_ms=1_000, overlap_ms=5_000, poll_interval_s=2,
                              handler_activity="print_event", read_timeout_s=15, read_heartbeat_s=5,
                              handler_timeout_s=5, details=False)
        else:
            await admin.stop(account)


def main() -> None:
    server, address = dev_server()
    workdir = Path(tempfile.mkdtemp(prefix="npay-temporal-demo-"))
    workers: List["subprocess.Popen[bytes]"] = []
    try:
        with Sandbox(seed=1, rate_limit_rps=10) as sandbox:
            apps = sandbox.control("POST", "apps", {"count": ACCOUNTS, "traffic": {"ratePerSecond": 0.5}})["apps"]
            accounts = [a["clientId"] for a in apps]
            vault, sink = workdir / "vault.json", workdir / "events.jsonl"
            vault.write_text(json.dumps({a["clientId"]: a["clientSecret"] for a in apps}))
            command = [sys.executable, str(HERE / "worker.py"), address, sandbox.base_url, str(vault), str(sink)]
            workers = [subprocess.Popen(command) for _ in range(2)]
            asyncio.run(watch(address, accounts, start=True))
            time.sleep(SECONDS / 2)
            print(f"--- killing worker {workers[0].pid} (SIGKILL) ---", flush=True)
            workers[0].send_signal(signal.SIGKILL)
            time.sleep(SECONDS / 2)
            for account in accounts:
                sandbox.control("PUT", f"apps/{account}/traffic", {"ratePerSecond": 0})
            wanted: Set[str] = set()
            for account in accounts:
                for c in sandbox.control("GET", f"apps/{account}/changes")["changes"]:
                    if "replacedAtMs" not in c:  # every product order's latest change must arrive
                        wanted.add(event_id(account, c["productOrderId"], c["lastChangedMs"],
                                            c["lastChangedType"], c.get("claimStatus")))
            deadline = time.monotonic() + 30
            seen: Set[str] = set()
            while time.monotonic() < deadline:
                seen = {json.loads(line)["id"] for line in sink.read_text().splitlines()} if sink.exists() else set()
                if wanted <= seen:
                    break
                time.sleep(1)
            asyncio.run(watch(address, accounts, start=False))
            print(f"{len(seen)} events from {ACCOUNTS} accounts, {len(wanted - seen)} lost")
    finally:
        for w in workers:
            w.kill()
            w.wait()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


if __name__ == "__main__":
    main()
