"""The watcher's signed webhooks verify with the Standard Webhooks library of PyPI
(``standardwebhooks``), written by others: ``npay-order watch --forward-to`` delivers each change of
the sandbox to a receiver here, which accepts only what ``Webhook(secret).verify`` accepts."""

from __future__ import annotations

import base64
import http.server
import json
import os
import pathlib
import subprocess
import threading
import time
from typing import Any, Dict, List, Tuple

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from npay_order.testing import Sandbox

pytestmark = pytest.mark.embedded_only(reason="the watcher needs the sandbox's own clock and data")

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _cli() -> pathlib.Path:
    """The `npay-order` binary the Rust build made (the test command builds it before this runs)."""
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "npay-order"
        if path.exists():
            return path
    pytest.fail("no npay-order binary under target/: build it first (cargo build -p npay-order-cli)")


class _Receiver(http.server.ThreadingHTTPServer):
    """Keeps every delivery; answers 204 to those the third-party verifier accepts, 400 otherwise."""

    def __init__(self, secret: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.verifier = Webhook(secret)
        self.verified: List[Tuple[Dict[str, str], Any]] = []
        self.refused = 0


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            payload = self.server.verifier.verify(body, headers)
        except WebhookVerificationError:
            self.server.refused += 1
            self.send_response(400)
        else:
            self.server.verified.append((headers, payload))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def test_every_change_arrives_as_a_webhook_the_pypi_verifier_accepts(sandbox: Sandbox, tmp_path: pathlib.Path) -> None:
    ids = set(sandbox.create_orders(3).product_order_ids)
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    receiver = _Receiver(secret)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    env = {**os.environ, "NPAY_CLIENT_ID": sandbox.client_id, "NPAY_CLIENT_SECRET": sandbox.client_secret,
           "NPAY_WEBHOOK_SECRET": secret}
    command = [str(_cli()), "watch", "--base-url", sandbox.base_url, "--store", str(tmp_path / "watch.sqlite"),
               "--since", "10m", "--settle-lag", "200ms", "--poll-interval", "100ms", "--forward-to", url]
    watcher = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(receiver.verified) < len(ids) and time.monotonic() < deadline and watcher.poll() is None:
            time.sleep(0.1)
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
        receiver.shutdown()
    assert receiver.refused == 0, "every delivery verifies"
    assert len(receiver.verified) >= len(ids), f"{len(receiver.verified)} of {len(ids)} changes delivered"
    seen = set()
    for headers, payload in receiver.verified:
        assert payload["id"] == headers["webhook-id"], "the event id is the webhook id"
        assert headers["webhook-signature"].startswith("v1,")
        seen.add(payload["change"]["productOrderId"])
    assert seen == ids, "one webhook per change"
    # A tampered body does not verify (the check above can fail).
    headers, payload = receiver.verified[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(json.dumps({**payload, "id": "evt_forged"}), headers)
