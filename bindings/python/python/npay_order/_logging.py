"""The package's logger, ``logging.getLogger("npay_order")``.

* ``DEBUG``: one line per call (operation, status, duration, trace id) and per finished iterator.
* ``INFO``: retries and their waits, from the native core (loggers ``npay_order.client``, …).

Nothing logged contains the client secret, a signature, a token or request bodies. Set the
environment variable ``NPAY_ORDER_LOG=debug`` (or ``info``) to print these lines to stderr
without configuring ``logging`` yourself.
"""

from __future__ import annotations

import logging
import os

__all__ = ["logger"]

logger = logging.getLogger("npay_order")


def _setup_from_environment() -> None:
    level = os.environ.get("NPAY_ORDER_LOG", "").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


_setup_from_environment()
