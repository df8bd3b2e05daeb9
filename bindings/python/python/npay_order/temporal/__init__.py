"""The watcher as Temporal workflows, for integrators with many merchant accounts.

One ``WatchAccount`` workflow per account (id ``npay-watch:<client id>``: Temporal's id uniqueness
is the lease), whose state is the watcher's cursor. Each cycle is a read activity that pages
through the core's own cursor logic (the same windows, settle lag, overlap and ``more`` rules as
:class:`npay_order.Watcher`, and the same event ids), heartbeating its position; the events are
handed to your activity (retried by Temporal's policy) or signalled to your workflow, one product
order at a time in order; the workflow continues-as-new before its history grows large.

* Credentials are resolved per account by your resolver **inside the worker** and never enter
  workflow history; one client per account and worker process keeps its token.
* The rate budget is the read task queue's ``max_task_queue_activities_per_second``, enforced by
  the server across every worker of the queue (:func:`activities_per_second`).
* Event payloads handed to your activity are its arguments, so they are stored in Temporal's
  history: use ``ids_only=True`` (or ``details=False``) to keep buyer data out of it.

Needs the ``temporalio`` package (``pip install npay-order temporalio``).
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Callable, Optional, Sequence

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from .._native import cursor_starting_at, event_id
from ._activities import Credentials, CredentialsResolver, NpayActivities
from ._types import (
    EVENT_SIGNAL,
    READ_ACTIVITY,
    READ_TASK_QUEUE,
    WORKFLOW_NAME,
    ReadInput,
    ReadResult,
    WatchInput,
    WatchState,
    workflow_id,
)
from ._workflow import WatchAccount

__all__ = [
    "Credentials",
    "CredentialsResolver",
    "EVENT_SIGNAL",
    "NpayActivities",
    "READ_ACTIVITY",
    "READ_TASK_QUEUE",
    "ReadInput",
    "ReadResult",
    "WORKFLOW_NAME",
    "WatchAccount",
    "WatchAdmin",
    "WatchInput",
    "WatchState",
    "activities_per_second",
    "event_id",
    "workflow_id",
    "workflow_runner",
    "workers",
]


def activities_per_second(requests_per_second: float, *, max_pages: int = 1, details: bool = True) -> float:
    """The read queue's activities-per-second limit for a budget of ``requests_per_second`` API
    calls: a read activity makes at most ``max_pages`` list calls, one details call (with
    ``details``) and, once per account and worker process, a token call."""
    return requests_per_second / (max_pages + (1 if details else 0) + 1)


def workflow_runner() -> SandboxedWorkflowRunner:
    """Temporal's workflow sandbox with ``npay_order`` passed through (its native module cannot
    be imported twice); give it to any worker that runs ``WatchAccount``."""
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules("npay_order"))


def workers(
    client: Client,
    *,
    task_queue: str,
    resolve: CredentialsResolver,
    handlers: Sequence[Callable[..., Any]] = (),
    read_task_queue: str = READ_TASK_QUEUE,
    read_activities_per_second: Optional[float] = None,
    max_concurrent_reads: int = 20,
    **worker_options: Any,
) -> list[Worker]:
    """The two workers of a process: ``task_queue`` runs the workflows and your ``handlers``
    (activities); ``read_task_queue`` runs the read activities, limited to
    ``read_activities_per_second`` across all workers of that queue (the shared rate budget).
    Run them with ``asyncio.gather(*(w.run() for w in workers(...)))``."""
    main = Worker(
        client,
        task_queue=task_queue,
        workflows=[WatchAccount],
        activities=list(handlers),
        workflow_runner=workflow_runner(),
        **worker_options,
    )
    reads = Worker(
        client,
        task_queue=read_task_queue,
        activities=NpayActivities(resolve).all(),
        max_task_queue_activities_per_second=read_activities_per_second,
        max_concurrent_activities=max_concurrent_reads,
        **worker_options,
    )
    return [main, reads]


def _ms(at: _dt.datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("give an aware datetime (with a timezone)")
    return int(at.timestamp() * 1000)


class WatchAdmin:
    """Start and stop watching accounts, show and reset their cursors."""

    def __init__(self, client: Client, *, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    def handle(self, account: str) -> WorkflowHandle[Any, Any]:
        """The workflow of ``account``."""
        return self._client.get_workflow_handle(workflow_id(account))

    async def start(self, account: str, *, since: _dt.datetime, **options: Any) -> WorkflowHandle[Any, Any]:
        """Starts watching ``account`` from ``since`` (options: the fields of :class:`WatchInput`);
        an account already watched keeps its running workflow and cursor."""
        watch = WatchInput(account=account, since_ms=_ms(since), **options)
        return await self._client.start_workflow(
            WatchAccount.run,
            watch,
            id=workflow_id(account),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def stop(self, account: str) -> WatchState:
        """Asks the workflow to stop after its cycle in flight and waits for it to end."""
        handle = self._client.get_workflow_handle(workflow_id(account), result_type=WatchState)
        await handle.signal(WatchAccount.stop)
        result: WatchState = await handle.result()
        return result

    async def describe(self, account: str) -> WatchState:
        """The workflow's state: cursor, cycles, events handed over, parked ids."""
        state: WatchState = await self.handle(account).query(WatchAccount.state)
        return state

    async def cursor(self, account: str) -> Optional[dict[str, Any]]:
        """The account's cursor (``{watermark, window}``), or ``None`` before its first read."""
        state = await self.describe(account)
        return None if state.cursor is None else dict(json.loads(state.cursor))

    async def reset(self, account: str, *, to: _dt.datetime) -> None:
        """Moves the cursor to ``to``: the next window starts at ``to − overlap``."""
        await self.handle(account).signal(WatchAccount.reset, cursor_starting_at(_ms(to)))
