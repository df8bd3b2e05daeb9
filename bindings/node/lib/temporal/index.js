'use strict';
// `npay-order/temporal`: the watcher as Temporal workflows, for integrators with many merchant
// accounts. The same design as the Python `npay_order.temporal`: one `WatchAccount` workflow per
// account (id `npay-watch:<client id>`), its state the cursor; a read activity per cycle over the
// core's own cursor logic (native `readWindowPage`), heartbeating its position; events handed to
// the user's activity or signalled to a user workflow; credentials resolved in the worker; the
// rate budget is the read task queue's `maxTaskQueueActivitiesPerSecond`. Needs the optional peer
// dependencies `@temporalio/{client,worker,workflow,activity,common}`.

const path = require('node:path');
const native = require('../native.js');
const { npayActivities, READ_ACTIVITY } = require('./activities.js');

const READ_TASK_QUEUE = 'npay-read';
const WORKFLOW_NAME = 'WatchAccount';
const WORKFLOWS_PATH = path.join(__dirname, 'workflows.js');

/** The id of the `WatchAccount` workflow of `account` (its client id). */
function workflowId(account) {
  return `npay-watch:${account}`;
}

/** The read queue's activities-per-second limit for a budget of API requests per second. */
function activitiesPerSecond(requestsPerSecond, { maxPages = 1, details = true } = {}) {
  return requestsPerSecond / (maxPages + (details ? 1 : 0) + 1);
}

/** The stable id of a change, as the local watcher gives it. */
function eventId(account, productOrderId, lastChangedMs, lastChangedType, claimStatus) {
  return native.eventId(account, productOrderId, lastChangedMs, lastChangedType, claimStatus ?? undefined);
}

/** Bundles the workflow code once (webpack, a few seconds); give `{ code }` to every worker. */
async function bundleWorkflows() {
  const { bundleWorkflowCode } = require('@temporalio/worker');
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger() });
}

function quietLogger() {
  const { DefaultLogger } = require('@temporalio/worker');
  return new DefaultLogger('WARN');
}

/**
 * The two workers of a process: `taskQueue` runs the workflows and the user's `handlers`;
 * `readTaskQueue` the read activities, limited to `readActivitiesPerSecond` across all workers of
 * that queue. Run them with `Promise.all(workers.map((w) => w.run()))`.
 */
async function createWorkers({
  connection, namespace, taskQueue, resolve, handlers = {}, readTaskQueue = READ_TASK_QUEUE,
  readActivitiesPerSecond, maxConcurrentReads = 20, workflowBundle, ...workerOptions
}) {
  const { Worker } = require('@temporalio/worker');
  const workflowSource = workflowBundle != null ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH };
  const main = await Worker.create({
    connection, namespace, taskQueue, activities: handlers, ...workflowSource, ...workerOptions,
  });
  const reads = await Worker.create({
    connection, namespace, taskQueue: readTaskQueue, activities: npayActivities(resolve),
    maxTaskQueueActivitiesPerSecond: readActivitiesPerSecond, maxConcurrentActivityTaskExecutions: maxConcurrentReads,
    ...workerOptions,
  });
  return [main, reads];
}

const ms = (at) => {
  const t = at instanceof Date ? at.getTime() : at;
  if (!Number.isFinite(t)) throw new TypeError('give a Date or milliseconds since the epoch');
  return t;
};

/** Start and stop watching accounts, show and reset their cursors. */
class WatchAdmin {
  /** @param {import('@temporalio/client').Client} client */
  constructor(client, { taskQueue }) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  handle(account) {
    return this.client.workflow.getHandle(workflowId(account));
  }

  /** Starts watching `account` from `since`; an account already watched keeps its workflow. */
  async start(account, { since, ...options }) {
    return this.client.workflow.start(WORKFLOW_NAME, {
      args: [{ account, sinceMs: ms(since), ...options }],
      taskQueue: this.taskQueue,
      workflowId: workflowId(account),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  /** Asks the workflow to stop after its cycle in flight and waits for it to end. */
  async stop(account) {
    const handle = this.handle(account);
    await handle.signal('stop');
    return handle.result();
  }

  /** The workflow's state: cursor (JSON text), cycles, events handed over, parked ids. */
  async describe(account) {
    return this.handle(account).query('state');
  }

  /** The cursor `{watermark, window}`, or null before the first read. */
  async cursor(account) {
    const state = await this.describe(account);
    return state.cursor == null ? null : JSON.parse(state.cursor);
  }

  /** Moves the cursor to `to`: the next window starts at `to − overlap`. */
  async reset(account, { to }) {
    await this.handle(account).signal('reset', native.cursorStartingAt(ms(to)));
  }
}

module.exports = {
  READ_ACTIVITY, READ_TASK_QUEUE, WORKFLOW_NAME, WORKFLOWS_PATH, WatchAdmin, activitiesPerSecond, bundleWorkflows,
  createWorkers, eventId, npayActivities, workflowId,
};
