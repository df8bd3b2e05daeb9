'use strict';
// The `WatchAccount` workflow: one per account, its state the watcher's cursor. Deterministic code
// only (it runs in Temporal's workflow sandbox and imports nothing but `@temporalio/workflow`):
// each cycle runs the read activity (the core's cursor logic, in a worker), hands the page's
// events over — to the user's activity (retried by Temporal's policy) and/or as signals to a user
// workflow — one product order at a time in order, and only then takes the new cursor.

const wf = require('@temporalio/workflow');

const READ_ACTIVITY = 'npayReadWindow';
const PARKED_KEPT = 100;

const stopSignal = wf.defineSignal('stop');
const resetSignal = wf.defineSignal('reset');
const stateQuery = wf.defineQuery('state');

const seconds = (s) => `${Math.round(s * 1000)}ms`;

async function WatchAccount(input) {
  const options = { pollIntervalS: 60, readTaskQueue: 'npay-read', maxPages: 1, details: true, idsOnly: false,
    handlerTimeoutS: 60, handlerMaxAttempts: 0, signalName: 'npay_event', readTimeoutS: 120, readHeartbeatS: 30,
    maxHistory: 2000, parked: [], recent: {}, ...input };
  if (options.cursor == null && options.sinceMs == null) {
    throw wf.ApplicationFailure.nonRetryable('a first start needs sinceMs');
  }
  let cursor = options.cursor ?? null;
  let reset = null;
  let stopping = false;
  let cycles = 0;
  let handed = 0;
  let parked = [...options.parked];
  let recent = { ...options.recent };
  const state = () => ({ account: options.account, cursor, cycles, handedOver: handed, parked: [...parked], stopping });
  wf.setHandler(stopSignal, () => { stopping = true; });
  wf.setHandler(resetSignal, (next) => { reset = next; });
  wf.setHandler(stateQuery, state);

  const reads = wf.proxyActivities({
    taskQueue: options.readTaskQueue,
    startToCloseTimeout: seconds(options.readTimeoutS),
    heartbeatTimeout: seconds(options.readHeartbeatS),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s',
      nonRetryableErrorTypes: ['InvalidRequestError', 'WatchError'] },
  });
  const handlers = options.handlerActivity == null ? null : wf.proxyActivities({
    taskQueue: options.handlerTaskQueue ?? wf.workflowInfo().taskQueue,
    startToCloseTimeout: seconds(options.handlerTimeoutS),
    retry: { initialInterval: '1s', maximumInterval: '120s',
      ...(options.handlerMaxAttempts > 0 ? { maximumAttempts: options.handlerMaxAttempts } : {}) },
  });

  async function deliver(event) {
    if (handlers != null) {
      try {
        await handlers[options.handlerActivity](event);
      } catch (e) {
        if (!(e instanceof wf.ActivityFailure)) throw e;
        parked = [...parked, event.id].slice(-PARKED_KEPT); // the policy gave up: park and go on
        return;
      }
    }
    if (options.signalWorkflowId != null) {
      await wf.getExternalWorkflowHandle(options.signalWorkflowId).signal(options.signalName, event);
    }
    handed += 1;
  }

  function remember(events) {
    for (const e of events) recent[e.id] = Date.parse(e.lastChangedDate);
    const times = Object.values(recent);
    if (times.length === 0) return;
    const keep = (options.overlapMs ?? 300000) + 60000;
    const newest = Math.max(...times);
    recent = Object.fromEntries(Object.entries(recent).filter(([, ms]) => ms >= newest - keep));
  }

  while (!stopping) {
    if (reset != null) { cursor = reset; reset = null; recent = {}; } // a reset re-reads: hand over again
    const result = await reads[READ_ACTIVITY]({
      account: options.account, cursor, sinceMs: options.sinceMs, events: options.events, details: options.details,
      idsOnly: options.idsOnly, settleLagMs: options.settleLagMs, overlapMs: options.overlapMs,
      pageSize: options.pageSize, maxPages: options.maxPages, pollIntervalS: options.pollIntervalS,
    });
    const fresh = result.events.filter((e) => !(e.id in recent));
    const groups = new Map();
    for (const e of fresh) {
      if (!groups.has(e.productOrderId)) groups.set(e.productOrderId, []);
      groups.get(e.productOrderId).push(e);
    }
    await Promise.all([...groups.values()].map(async (queue) => { for (const e of queue) await deliver(e); }));
    remember(fresh);
    if (reset == null) cursor = result.cursor;
    cycles += 1;
    if (result.caughtUp || result.step == null) {
      await wf.condition(() => stopping || reset != null, seconds(options.pollIntervalS));
    }
    const info = wf.workflowInfo();
    if (!stopping && (info.continueAsNewSuggested || info.historyLength >= options.maxHistory)) {
      await wf.condition(wf.allHandlersFinished);
      await wf.continueAsNew({ ...options, cursor: reset ?? cursor, parked, recent });
    }
  }
  return state();
}

module.exports = { WatchAccount, stopSignal, resetSignal, stateQuery, READ_ACTIVITY };
