// Typings of `npay-order/temporal` (handwritten; lib/temporal/*.js). Needs the optional peer
// dependencies @temporalio/{client,worker,workflow,activity,common}.

import type { Client as TemporalClient, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';

/** An event as handed over: the local watcher's `WatchEvent` as JSON (`idsOnly`: the first six fields only). */
export interface TemporalEvent {
  id: string;
  account: string;
  productOrderId: string;
  lastChangedType: string;
  /** `yyyy-MM-ddTHH:mm:ss.SSS+09:00`. */
  lastChangedDate: string;
  attempt: number;
  change?: Record<string, unknown>;
  detail?: Record<string, unknown> | null;
}

/** What the credentials resolver answers for an account (`clientId` defaults to the account). */
export interface Credentials {
  clientSecret: string;
  clientId?: string;
  /** A sandbox's base URL in tests; the production API when omitted. */
  baseUrl?: string;
}

/** Account (client id) → credentials; runs in the worker, so secrets never enter history. */
export type CredentialsResolver = (account: string) => Credentials | Promise<Credentials>;

/** Options of a `WatchAccount` workflow (times in ms unless named `…S`, seconds). */
export interface WatchOptions {
  /** Only these `lastChangedType`s become events (all by default). */
  events?: string[];
  /** Whether events carry the product order's details (default true; one call per page). */
  details?: boolean;
  /** Hand over ids and change keys only: no buyer data in Temporal's history (default false). */
  idsOnly?: boolean;
  settleLagMs?: number;
  overlapMs?: number;
  pageSize?: number;
  /** Pages one read activity may page while they hold no event (default 1). */
  maxPages?: number;
  /** Seconds between polls once caught up (default 60). */
  pollIntervalS?: number;
  /** Task queue of the read activities: its activities-per-second limit is the rate budget (default `npay-read`). */
  readTaskQueue?: string;
  /** The activity (name) that receives each event. */
  handlerActivity?: string;
  /** Its task queue (default: the workflow's). */
  handlerTaskQueue?: string;
  /** Seconds a handler attempt may take (default 60). */
  handlerTimeoutS?: number;
  /** Handler attempts before the event is parked (0 = forever, the default). */
  handlerMaxAttempts?: number;
  /** Also (or instead) signal each event to this workflow. */
  signalWorkflowId?: string;
  /** The signal's name (default `npay_event`). */
  signalName?: string;
  readTimeoutS?: number;
  readHeartbeatS?: number;
  /** Continue-as-new after this many history events (default 2000). */
  maxHistory?: number;
}

/** The `state` query's answer. */
export interface WatchState {
  account: string;
  /** The core's cursor as JSON text, or null before the first read. */
  cursor: string | null;
  cycles: number;
  handedOver: number;
  parked: string[];
  stopping: boolean;
}

/** The cursor: `{watermark, window}` (see the core's `Cursor`). */
export interface WatchCursor {
  watermark: string;
  window: { from: string; to: string; more?: { moreFrom: string; moreSequence: string } | null } | null;
}

export declare const READ_ACTIVITY: string;
export declare const READ_TASK_QUEUE: string;
export declare const WORKFLOW_NAME: string;
/** Path of the workflow module (for `workflowsPath` / `bundleWorkflowCode`). */
export declare const WORKFLOWS_PATH: string;

/** `npay-watch:<account>`. */
export declare function workflowId(account: string): string;
/** The read queue's activities-per-second limit for a budget of API requests per second. */
export declare function activitiesPerSecond(requestsPerSecond: number, options?: { maxPages?: number; details?: boolean }): number;
/** The stable id of a change, as the local watcher gives it. */
export declare function eventId(account: string, productOrderId: string, lastChangedMs: number, lastChangedType: string, claimStatus?: string | null): string;
/** Bundles the workflow code once; pass `{ code }` (or a file's `{ codePath }`) as `workflowBundle`. */
export declare function bundleWorkflows(): Promise<{ code: string }>;
/** The read activity, for workers you build yourself. */
export declare function npayActivities(resolve: CredentialsResolver, options?: { timeoutMs?: number }): Record<string, (input: unknown) => Promise<unknown>>;

export interface CreateWorkersOptions extends Partial<Omit<WorkerOptions, 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'>> {
  connection: NativeConnection;
  namespace?: string;
  /** Runs the workflows and your handlers. */
  taskQueue: string;
  resolve: CredentialsResolver;
  /** Your activities, by name (e.g. `{ handleOrderEvent }`). */
  handlers?: Record<string, (event: TemporalEvent) => Promise<void>>;
  readTaskQueue?: string;
  /** The shared rate budget, enforced by the server across all workers of the read queue. */
  readActivitiesPerSecond?: number;
  maxConcurrentReads?: number;
  workflowBundle?: { code: string } | { codePath: string };
}

/** The two workers of a process (workflows + handlers; reads). */
export declare function createWorkers(options: CreateWorkersOptions): Promise<Worker[]>;

/** Start and stop watching accounts, show and reset their cursors. */
export declare class WatchAdmin {
  constructor(client: TemporalClient, options: { taskQueue: string });
  handle(account: string): WorkflowHandle;
  /** Starts watching from `since`; an account already watched keeps its workflow and cursor. */
  start(account: string, options: WatchOptions & { since: Date | number }): Promise<WorkflowHandle>;
  stop(account: string): Promise<WatchState>;
  describe(account: string): Promise<WatchState>;
  cursor(account: string): Promise<WatchCursor | null>;
  reset(account: string, options: { to: Date | number }): Promise<void>;
}
