'use strict';

// The order watcher: polling turned into durable, ordered events. `client.watch(options)` makes
// one; `run(handler)` and `for await` are the two ways to take its events. The paging rules, the
// SQLite store and the retries are the Rust core's (src/watcher.rs); this file only checks
// options and turns the native next / ack / nack into idiomatic JavaScript.

const { inspect } = require('node:util');
const native = require('./native');
const { fromNative, invalid } = require('./errors');
const { isPlainObject, describe } = require('./convert');

const OPTIONS = [
  'store',
  'since',
  'events',
  'settleLagMs',
  'overlapMs',
  'pollIntervalMs',
  'pageSize',
  'details',
  'maxAttempts',
  'retryBaseMs',
  'retryMaxMs',
];

function checkMs(name, value) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(name, `must be a non-negative number of milliseconds, not ${describe(value)}`);
  }
  return value;
}

/** `since`: a Date, or a number of milliseconds meaning "that long ago". */
function sinceMs(since) {
  if (since === undefined) return undefined;
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw invalid('since', 'is an invalid Date');
    return since.getTime();
  }
  if (typeof since === 'number' && Number.isFinite(since) && since >= 0) return Math.round(Date.now() - since);
  throw invalid('since', `must be a Date or a number of milliseconds ago, not ${describe(since)}`);
}

/** @param {import('../index').WatchOptions} options */
function nativeConfig(options) {
  if (!isPlainObject(options)) throw invalid('options', `must be a plain object, not ${describe(options)}`);
  const extra = Object.keys(options).filter((key) => !OPTIONS.includes(key));
  if (extra.length) throw invalid(extra[0], `unknown option; expected ${OPTIONS.join(', ')}`);
  const { store, events, pageSize, details, maxAttempts } = options;
  if (typeof store !== 'string' || store.length === 0) throw invalid('store', 'must be the path of a SQLite file');
  if (events !== undefined && !(Array.isArray(events) && events.every((e) => typeof e === 'string'))) {
    throw invalid('events', 'must be an array of lastChangedType strings');
  }
  if (pageSize !== undefined && !Number.isInteger(pageSize)) throw invalid('pageSize', 'must be an integer 1–300');
  if (details !== undefined && typeof details !== 'boolean') throw invalid('details', 'must be a boolean');
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 1000)) {
    throw invalid('maxAttempts', 'must be an integer 1–1000');
  }
  return {
    store,
    sinceMs: sinceMs(options.since),
    events,
    settleLagMs: checkMs('settleLagMs', options.settleLagMs),
    overlapMs: checkMs('overlapMs', options.overlapMs),
    pollIntervalMs: checkMs('pollIntervalMs', options.pollIntervalMs),
    pageSize,
    details,
    maxAttempts,
    retryBaseMs: checkMs('retryBaseMs', options.retryBaseMs),
    retryMaxMs: checkMs('retryMaxMs', options.retryMaxMs),
  };
}

/** One change of one product order. `change` and `detail` are the API's JSON (camelCase). */
class WatchEvent {
  #native;

  constructor(nativeWatcher, data) {
    this.#native = nativeWatcher;
    /** Stable: the same change always has the same id (de-duplicate on it). */
    this.id = data.id;
    this.account = data.account;
    this.productOrderId = data.productOrderId;
    this.lastChangedType = data.lastChangedType;
    /** As the API wrote it (`+09:00`); `new Date(event.lastChangedDate)` reads it. */
    this.lastChangedDate = data.lastChangedDate;
    this.change = data.change;
    this.detail = data.detail ?? null;
    this.attempt = data.attempt;
  }

  /** Marks the event done. Resolves to `false` if it was no longer out (answered already). */
  async ack() {
    return this.#native !== null && this.#native.ack(this.id);
  }

  /**
   * Refuses the event: it is retried with backoff, then parked as failed. The reason is kept with
   * the event in the store; keep buyers' data out of it.
   */
  async nack(reason = 'refused by the handler') {
    return this.#native !== null && this.#native.nack(this.id, String(reason));
  }

  /** The event as JSON: the body a webhook receiver gets. */
  toJSON() {
    const { id, account, productOrderId, lastChangedType, lastChangedDate, change, detail, attempt } = this;
    return { id, account, productOrderId, lastChangedType, lastChangedDate, change, detail, attempt };
  }

  // Ids and kinds only: the change and details carry buyers' data.
  [inspect.custom]() {
    return `WatchEvent { id: '${this.id}', lastChangedType: '${this.lastChangedType}', attempt: ${this.attempt} }`;
  }
}

function describeError(error) {
  // The class only: a handler's message may quote the order it was handling.
  return `the handler threw ${error && error.name ? error.name : typeof error}`;
}

/** Watches one account's orders; see `client.watch(options)`. */
class Watcher {
  #native;

  /** @param {unknown} nativeClient @param {import('../index').WatchOptions} options */
  constructor(nativeClient, options) {
    const config = nativeConfig(options);
    try {
      this.#native = new native.NativeWatcher(nativeClient, config);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** The account watched (the client id). */
  get account() {
    return this.#native.account;
  }

  /** Whether `stop()` was called (or an error stopped the watcher). */
  get stopped() {
    return this.#native.stopped;
  }

  /** The next event, or `null` once stopped. Asking again before answering refuses the last. */
  async next() {
    let text;
    try {
      text = await this.#native.next();
    } catch (error) {
      throw fromNative(error);
    }
    return text === null ? null : new WatchEvent(this.#native, JSON.parse(text));
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      const event = await this.next();
      if (event === null) return;
      yield event;
    }
  }

  /**
   * Hands every event to `handler` until stopped: marked done when the handler's promise
   * resolves, retried when it rejects. SIGINT and SIGTERM stop it gracefully while it runs (the
   * event in flight is finished first). Rejects with the error that stopped the watcher otherwise.
   * @param {(event: WatchEvent) => unknown} handler
   */
  async run(handler) {
    if (typeof handler !== 'function') throw invalid('handler', `must be a function, not ${describe(handler)}`);
    const stop = () => this.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      for await (const event of this) {
        let failure = null;
        try {
          await handler(event);
        } catch (error) {
          failure = error;
        }
        if (failure === null) await event.ack();
        else await event.nack(describeError(failure));
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }

  /** Stops polling at once; the event in flight may still be answered, then iteration ends. */
  stop() {
    this.#native.stop();
  }

  /**
   * The stored events of this account (`{ event, seq, status, lastError, createdAtMs }`), by
   * status (`'pending'`, `'done'`, `'failed'`), newest first when a limit is given.
   */
  events({ status, limit } = {}) {
    try {
      return JSON.parse(this.#native.listEvents(status, limit)).map((stored) => ({
        ...stored,
        event: new WatchEvent(null, stored.event),
      }));
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Queues a parked (or done) event again; `false` if the store has no such event. */
  resend(eventId) {
    try {
      return this.#native.resend(String(eventId));
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** The committed cursor (watermark and window), `null` before the first poll. */
  cursor() {
    try {
      return JSON.parse(this.#native.cursor());
    } catch (error) {
      throw fromNative(error);
    }
  }

  [inspect.custom]() {
    return `Watcher { account: '${this.account}' }`;
  }
}

module.exports = { Watcher, WatchEvent };
