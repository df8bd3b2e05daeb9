"""The values that cross Temporal's boundary (workflow inputs, activity inputs and results).

Plain dataclasses of JSON-able fields, so that Temporal's default data converter carries them
and other SDKs (the Node ``npay-order/temporal``) read the same shapes. The cursor travels as the
core's own JSON (a string); the workflow never looks inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

#: The activity that reads one step of the cursor (registered by :class:`NpayActivities`).
READ_ACTIVITY = "npay_read_window"
#: The default task queue of the read activities: its activities-per-second limit is the rate
#: budget shared by the accounts watched through it.
READ_TASK_QUEUE = "npay-read"
#: The workflow type.
WORKFLOW_NAME = "WatchAccount"
#: The signal name used when events go to a user workflow.
EVENT_SIGNAL = "npay_event"


def workflow_id(account: str) -> str:
    """The id of the ``WatchAccount`` workflow of ``account`` (its client id): Temporal allows one
    running workflow per id, which makes the id the lease on the account."""
    return f"npay-watch:{account}"


@dataclass
class WatchInput:
    """What a ``WatchAccount`` workflow is started (and continued-as-new) with.

    Times are milliseconds unless named ``_s`` (seconds).
    """

    #: The account: the application's client id (the same account the local watcher uses in
    #: event ids).
    account: str
    #: The core's cursor as JSON; ``None`` on the first start (then ``since_ms`` is required).
    cursor: Optional[str] = None
    #: Where the first window starts (Unix ms): changes at and after it are handed over.
    since_ms: Optional[int] = None
    #: Only these ``lastChangedType`` values become events (all when ``None``).
    events: Optional[List[str]] = None
    #: Whether each event carries the product order's details (one extra call per page).
    details: bool = True
    #: Hand over ids and change keys only (no ``change``/``detail`` payloads): nothing of the
    #: buyer lands in Temporal's history; the handler reads what it needs itself.
    ids_only: bool = False
    settle_lag_ms: Optional[int] = None
    overlap_ms: Optional[int] = None
    page_size: Optional[int] = None
    #: Pages one read activity may page through while they hold no event (each heartbeated).
    max_pages: int = 1
    #: Seconds between polls once caught up (default 60).
    poll_interval_s: float = 60.0
    #: Task queue of the read activities (the rate budget; see :func:`activities_per_second`).
    read_task_queue: str = READ_TASK_QUEUE
    #: The user's activity that receives each event (its name), or ``None``.
    handler_activity: Optional[str] = None
    #: Task queue of the handler activity (default: the workflow's).
    handler_task_queue: Optional[str] = None
    #: Seconds a handler attempt may take; retried by Temporal with the retry policy below.
    handler_timeout_s: float = 60.0
    #: Handler attempts before the event is parked (0 = retry forever).
    handler_max_attempts: int = 0
    #: Instead of (or besides) the activity: signal each event to this workflow id.
    signal_workflow_id: Optional[str] = None
    signal_name: str = EVENT_SIGNAL
    #: Seconds a read activity may take and may go without a heartbeat.
    read_timeout_s: float = 120.0
    read_heartbeat_s: float = 30.0
    #: Continue-as-new after this many history events (or when Temporal suggests it).
    max_history: int = 2_000
    #: Ids of events whose handler gave up, kept for :meth:`WatchAdmin.describe` (the last 100).
    parked: List[str] = field(default_factory=list)
    #: Ids handed over within the last overlap (id → change time, Unix ms), carried across
    #: continue-as-new so that re-read rows are not handed over twice.
    recent: Dict[str, int] = field(default_factory=dict)


@dataclass
class ReadInput:
    """Input of the read activity: the account, its cursor and how to read."""

    account: str
    #: The core's cursor as JSON; ``None`` on the first cycle (then made from ``since_ms``).
    cursor: Optional[str] = None
    since_ms: Optional[int] = None
    events: Optional[List[str]] = None
    details: bool = True
    ids_only: bool = False
    settle_lag_ms: Optional[int] = None
    overlap_ms: Optional[int] = None
    page_size: Optional[int] = None
    max_pages: int = 1
    poll_interval_s: float = 60.0


@dataclass
class ReadResult:
    """Result of the read activity: the events of at most one page, and the cursor after it."""

    cursor: str
    events: List[Dict[str, Any]] = field(default_factory=list)
    #: ``morePages``, ``windowDone`` or ``None`` (nothing settled yet).
    step: Optional[str] = None
    #: Whether nothing much is left to read: the workflow sleeps its poll interval.
    caught_up: bool = False
    pages: int = 0


@dataclass
class WatchState:
    """What the ``state`` query answers."""

    account: str
    cursor: Optional[str]
    cycles: int
    handed_over: int
    parked: List[str]
    stopping: bool
