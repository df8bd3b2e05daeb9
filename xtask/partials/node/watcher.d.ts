// ----- Watching orders -----------------------------------------------------------------------
// (handwritten: xtask/partials/node/watcher.d.ts, included by the renderer)

/** The watcher stopped for a reason of its own: paging that does not advance, the store, a disabled endpoint. */
export declare class WatchError extends NpayError {}

/** Options of `client.watch(options)`; durations in milliseconds. */
export interface WatchOptions {
  /** The SQLite file holding cursor and events (created if missing); one file may hold several accounts. */
  store: string;
  /**
   * Where to start when the store has no cursor yet (required then; ignored once one exists): a
   * `Date`, or a number of milliseconds meaning "that long ago".
   */
  since?: Date | number;
  /** Only these `lastChangedType` values (`'PAYED'`, `'CLAIM_REQUESTED'`, …). */
  events?: string[];
  /** How old a change must be before it is asked for (default 60 000). */
  settleLagMs?: number;
  /** How much each new window re-reads before the watermark (default 300 000). */
  overlapMs?: number;
  /** Time between polls once caught up (default 10 000). */
  pollIntervalMs?: number;
  /** `limitCount` per call, 1–300 (default 300). */
  pageSize?: number;
  /** Whether events carry the product order's details (default `true`). */
  details?: boolean;
  /** Hand-overs per event before it is parked as failed (default 8). */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt (default 1 000). */
  retryBaseMs?: number;
  /** Longest retry delay (default 120 000). */
  retryMaxMs?: number;
}

/** One change of one product order, handed over by a `Watcher`. */
export declare class WatchEvent {
  /** Stable: the same change always has the same id (de-duplicate on it). */
  readonly id: string;
  /** The application (client id) whose change it is. */
  readonly account: string;
  readonly productOrderId: string;
  /** `'PAYED'`, `'CLAIM_REQUESTED'`, … */
  readonly lastChangedType: string;
  /** As the API wrote it (`+09:00`). */
  readonly lastChangedDate: string;
  /** The change row as the API answered it. */
  readonly change: LastChangedStatus;
  /** The product order's details read when the page was committed (`null` when not fetched). */
  readonly detail: ProductOrderDetail | null;
  /** 1 on the first hand-over, 2 on the first retry, … */
  readonly attempt: number;
  /** Marks the event done; resolves `false` if it was no longer out. */
  ack(): Promise<boolean>;
  /** Refuses the event: retried with backoff, then parked. Keep buyers' data out of the reason. */
  nack(reason?: string): Promise<boolean>;
  /** The event as JSON: the body a webhook receiver gets. */
  toJSON(): object;
}

/** An event as the store keeps it. */
export interface StoredWatchEvent {
  event: WatchEvent;
  seq: number;
  status: 'pending' | 'done' | 'failed';
  /** The handler's last reason, if it failed. */
  lastError: string | null;
  createdAtMs: number;
}

/**
 * Watches one account's orders and hands over every change as a `WatchEvent`, durably: each
 * page's events and the cursor past it are committed in one SQLite transaction; hand-off is
 * at-least-once (only the event in flight at a crash comes again, with the same id); the events
 * of one product order come in order, one at a time.
 *
 * @example
 * const watcher = client.watch({ store: 'orders.sqlite', since: 3_600_000, events: ['PAYED'] });
 * await watcher.run(async (event) => {
 *   await saveOrder(event.productOrderId, event.detail);
 * }); // until SIGINT / SIGTERM / watcher.stop()
 *
 * // or
 * for await (const event of watcher) {
 *   await saveOrder(event.productOrderId, event.detail);
 *   await event.ack();
 * }
 */
export declare class Watcher implements AsyncIterable<WatchEvent> {
  /** The account watched (the client id). */
  readonly account: string;
  /** Whether a stop was asked for. */
  readonly stopped: boolean;
  /** The next event, or `null` once stopped. Asking again before answering refuses the last one. */
  next(): Promise<WatchEvent | null>;
  [Symbol.asyncIterator](): AsyncIterator<WatchEvent>;
  /**
   * Hands every event to `handler` until stopped: done when its promise resolves, retried when it
   * rejects. SIGINT and SIGTERM stop it gracefully while it runs.
   * @throws {WatchError | AuthenticationError | InvalidRequestError} what stopped the watcher.
   */
  run(handler: (event: WatchEvent) => unknown): Promise<void>;
  /** Stops polling; the event in flight may still be answered, then iteration ends. */
  stop(): void;
  /** The stored events of this account, by status, newest first with a limit. */
  events(filter?: { status?: 'pending' | 'done' | 'failed'; limit?: number }): StoredWatchEvent[];
  /** Queues a parked (or done) event again; `false` if the store has no such event. */
  resend(eventId: string): boolean;
  /** The committed cursor (watermark and window), `null` before the first poll. */
  cursor(): object | null;
}

export interface Client {
  /** A watcher of this client's account (see `Watcher`). */
  watch(options: WatchOptions): Watcher;
}
