"""The ``WatchAccount`` workflow: one per account, its state the watcher's cursor.

Deterministic code only (no I/O, no native module): each cycle runs the read activity (the core's
cursor logic, in a worker), hands the page's events over — to the user's activity, retried by
Temporal's policy, and/or as signals to a user workflow — one product order at a time in order,
and only then takes the new cursor. A crash anywhere replays the history: completed steps are not
repeated, the step in flight is retried, so every event is handed over at least once, always with
the same id.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from ._types import READ_ACTIVITY, WORKFLOW_NAME, ReadInput, ReadResult, WatchInput, WatchState

#: How many parked ids the workflow keeps.
_PARKED_KEPT = 100


@workflow.defn(name=WORKFLOW_NAME)
class WatchAccount:
    """Watches one account until stopped (``stop`` signal); see :mod:`npay_order.temporal`."""

    def __init__(self) -> None:
        self._input: Optional[WatchInput] = None
        self._cursor: Optional[str] = None
        self._reset: Optional[str] = None
        self._stopping = False
        self._cycles = 0
        self._handed = 0
        self._parked: List[str] = []
        #: Ids handed over lately, with their change's time (Unix ms): the overlap re-reads them.
        self._recent: Dict[str, int] = {}

    @workflow.signal
    def stop(self) -> None:
        """Ends the workflow after the cycle in flight (its events are handed over first)."""
        self._stopping = True

    @workflow.signal
    def reset(self, cursor: str) -> None:
        """Replaces the cursor (the core's JSON, e.g. from ``cursor_starting_at``) before the next
        cycle."""
        self._reset = cursor

    @workflow.query
    def state(self) -> WatchState:
        """The cursor and counters (no event payloads)."""
        account = self._input.account if self._input else ""
        return WatchState(account, self._cursor, self._cycles, self._handed, list(self._parked), self._stopping)

    @workflow.run
    async def run(self, input: WatchInput) -> WatchState:
        self._input = input
        self._parked = list(input.parked)
        self._recent = dict(input.recent)
        if input.cursor is None:
            if input.since_ms is None:
                raise ApplicationError("a first start needs since_ms", non_retryable=True)
        self._cursor = input.cursor
        while not self._stopping:
            if self._reset is not None:
                # A reset asks for the changes after it again: forget what was handed over.
                self._cursor, self._reset, self._recent = self._reset, None, {}
            result = await self._read(input)
            fresh = [e for e in result.events if str(e.get("id")) not in self._recent]
            await self._hand_over(input, fresh)
            self._remember(input, fresh)
            if self._reset is None:
                self._cursor = result.cursor
            self._cycles += 1
            if result.caught_up or result.step is None:
                try:
                    await workflow.wait_condition(
                        lambda: self._stopping or self._reset is not None,
                        timeout=timedelta(seconds=input.poll_interval_s),
                    )
                except asyncio.TimeoutError:
                    pass
            info = workflow.info()
            if not self._stopping and (
                info.is_continue_as_new_suggested() or info.get_current_history_length() >= input.max_history
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                cursor = self._reset if self._reset is not None else self._cursor
                workflow.continue_as_new(
                    dataclasses.replace(input, cursor=cursor, parked=self._parked, recent=self._recent)
                )
        return self.state()

    def _remember(self, input: WatchInput, events: List[Dict[str, Any]]) -> None:
        """Keeps the ids of the last overlap (+ 1 min), so that re-read rows are not handed over
        again."""
        for event in events:
            at = datetime.fromisoformat(str(event["lastChangedDate"]))
            self._recent[str(event["id"])] = int(at.timestamp() * 1000)
        if self._recent:
            keep = (input.overlap_ms if input.overlap_ms is not None else 300_000) + 60_000
            newest = max(self._recent.values())
            self._recent = {i: ms for i, ms in self._recent.items() if ms >= newest - keep}

    async def _read(self, input: WatchInput) -> ReadResult:
        # Without a cursor yet (the first cycle) the activity makes one from since_ms.
        read = ReadInput(
            account=input.account,
            cursor=self._cursor,
            since_ms=input.since_ms,
            events=input.events,
            details=input.details,
            ids_only=input.ids_only,
            settle_lag_ms=input.settle_lag_ms,
            overlap_ms=input.overlap_ms,
            page_size=input.page_size,
            max_pages=input.max_pages,
            poll_interval_s=input.poll_interval_s,
        )
        result: ReadResult = await workflow.execute_activity(
            READ_ACTIVITY,
            read,
            result_type=ReadResult,
            task_queue=input.read_task_queue,
            start_to_close_timeout=timedelta(seconds=input.read_timeout_s),
            heartbeat_timeout=timedelta(seconds=input.read_heartbeat_s),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1),
                backoff_coefficient=2.0,
                maximum_interval=timedelta(seconds=60),
                non_retryable_error_types=["InvalidRequestError", "WatchError"],
            ),
        )
        return result

    async def _hand_over(self, input: WatchInput, events: List[Dict[str, Any]]) -> None:
        """Each product order's events in order, one at a time; product orders side by side."""
        groups: Dict[str, List[Dict[str, Any]]] = {}
        for event in events:
            groups.setdefault(str(event.get("productOrderId")), []).append(event)

        async def one_order(queue: List[Dict[str, Any]]) -> None:
            for event in queue:
                await self._deliver(input, event)

        await asyncio.gather(*(one_order(queue) for queue in groups.values()))

    async def _deliver(self, input: WatchInput, event: Dict[str, Any]) -> None:
        if input.handler_activity is not None:
            try:
                await workflow.execute_activity(
                    input.handler_activity,
                    event,
                    task_queue=input.handler_task_queue or workflow.info().task_queue,
                    start_to_close_timeout=timedelta(seconds=input.handler_timeout_s),
                    retry_policy=RetryPolicy(
                        initial_interval=timedelta(seconds=1),
                        maximum_interval=timedelta(minutes=2),
                        maximum_attempts=input.handler_max_attempts,
                    ),
                )
            except ActivityError:
                # The policy gave up: park the id (like the local watcher) and go on.
                self._parked = (self._parked + [str(event.get("id"))])[-_PARKED_KEPT:]
                return
        if input.signal_workflow_id is not None:
            handle = workflow.get_external_workflow_handle(input.signal_workflow_id)
            await handle.signal(input.signal_name, event)
        self._handed += 1
