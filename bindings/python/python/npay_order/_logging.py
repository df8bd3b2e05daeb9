"""The package's logger, ``logging.getLogger("npay_order")``.

* ``DEBUG``: one line per call (operation, status, duration, trace id) and per finished iterator.
* ``INFO``: retries and their waits, from the native core (loggers ``npay_order.client``, …).

Nothing logged contains the client secret, a signature, a token or request bodies. Set the
environment variable ``NPAY_ORDER_LOG=debug`` (or ``info``) to print these lines to stderr
without configuring ``logging`` yourself.

The logger is set up when the first client is made, not at import: ``logging`` (with the
``re``, ``traceback`` and ``threading`` it imports) would otherwise be most of the time
``import npay_order`` takes.
"""

from __future__ import annotations

import os

from . import _native

TYPE_CHECKING = False
if TYPE_CHECKING:
    import logging
    from typing import Optional

__all__ = ["logger"]

_logger: Optional[logging.Logger] = None


def logger() -> logging.Logger:
    """The package's logger, and the native core's log records forwarded to it."""
    global _logger
    if _logger is None:
        import logging

        log = logging.getLogger("npay_order")
        _setup_from_environment(log)
        _native.forward_logs()
        _logger = log
    return _logger


def _setup_from_environment(log: logging.Logger) -> None:
    import logging

    level = os.environ.get("NPAY_ORDER_LOG", "").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
