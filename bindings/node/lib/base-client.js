'use strict';

// The generic half of `Client`: construction, the one call path every generated method takes,
// the iterators, the raw-response accessor, `close()`, and how a client shows in `util.inspect`.
// The per-operation methods are generated (`generated/client.js`) and call `this[CALL](...)`.

const { inspect } = require('node:util');
const native = require('./native');
const { fromNative, invalid } = require('./errors');
const { paramsJson, checkRequestObjects, isPlainObject, describe } = require('./convert');

/** Symbols keep the plumbing off the public surface (and out of autocompletion). */
const CALL = Symbol('npay-order.call');
const ITERATE = Symbol('npay-order.iterate');
/** A subclass's tables: `{ operations, objects, iterators }` (from generated/client.js). */
const SURFACE = Symbol('npay-order.surface');

/** Options of `new Client(...)` and their JavaScript types. */
const OPTION_TYPES = {
  clientId: 'string',
  clientSecret: 'string',
  environment: 'string',
  baseUrl: 'string',
  timeoutMs: 'number',
  maxRetries: 'number',
  strict: 'boolean',
};

/** Checks the options' types here, so that the addon only ever sees well-typed values. */
function nativeConfig(options) {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw invalid('options', `must be a plain object, not ${describe(options)}`);
  const config = {};
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(OPTION_TYPES, key)) {
      throw invalid(key, `unknown option; expected one of ${Object.keys(OPTION_TYPES).join(', ')}`);
    }
    if (value === undefined) continue;
    // Never echo the value: it may be the secret.
    if (typeof value !== OPTION_TYPES[key]) throw invalid(key, `must be a ${OPTION_TYPES[key]}, not ${describe(value)}`);
    config[key] = value;
  }
  if (config.timeoutMs !== undefined && !(Number.isFinite(config.timeoutMs) && config.timeoutMs > 0)) {
    throw invalid('timeoutMs', 'must be a positive number of milliseconds');
  }
  if (config.maxRetries !== undefined && !(Number.isInteger(config.maxRetries) && config.maxRetries >= 0 && config.maxRetries <= 100)) {
    throw invalid('maxRetries', 'must be an integer from 0 to 100');
  }
  return config;
}

/** `options` merged with the positional path parameters, which must not also appear in it. */
function withPath(operationId, options, path) {
  if (path === undefined) return options;
  if (options !== undefined && options !== null && !isPlainObject(options)) {
    throw invalid(operationId, `the options must be a plain object, not ${describe(options)}`);
  }
  const params = { ...(options ?? {}) };
  for (const [name, value] of Object.entries(path)) {
    if (typeof value !== 'string' || value.length === 0) {
      throw invalid(name, `must be a non-empty string, not ${describe(value)}`);
    }
    if (Object.hasOwn(params, name)) throw invalid(name, 'is a positional argument; do not repeat it in the options');
    params[name] = value;
  }
  return params;
}

/** Key of the package-internal accessor of a client's native half. */
const NATIVE = Symbol('npay-order.native');

/**
 * A large answer: the addon handed over its body before decoding it. The decode (which checks
 * the answer against the spec, reads it tolerantly or fails in strict mode) runs on the native
 * runtime while this thread parses the body; the parse stands when the decode says the body
 * reads exactly as the typed data (`null`), else the decode's data replaces it.
 */
async function finishEarly({ body, rest }, raw) {
  rest.start();
  let parsed;
  try {
    parsed = JSON.parse(body).data;
  } catch {
    // Not JSON: the decode's verdict (an error, or the data it could read) decides.
  }
  let settled;
  try {
    // The decode has usually finished by now (it is the shorter of the two): no second trip.
    settled = rest.take();
    if (settled === undefined) settled = await rest.finish();
  } catch (error) {
    throw fromNative(error);
  }
  if (raw) return { ...settled, data: settled.data === null ? parsed : JSON.parse(settled.data) };
  return settled === null ? parsed : JSON.parse(settled);
}

class BaseClient {
  /** @type {InstanceType<typeof native.NativeClient>} */
  #native;
  #raw;

  /** @param {import('../index').ClientOptions} [options] */
  constructor(options) {
    const config = nativeConfig(options);
    try {
      this.#native = new native.NativeClient(config);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** The base URL calls go to. */
  get baseUrl() {
    return this.#native.baseUrl;
  }

  /** The application id (not a secret). */
  get clientId() {
    return this.#native.clientId;
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#native.closed;
  }

  /**
   * Every way the API's answers differed from the spec, as seen by this client: one entry per
   * deviation (`operation`, `path`, `expected`, `seen`, `kind`, `count`, `firstSeen`). Holds no
   * value from an answer.
   * @returns {import('../index').DriftEntry[]}
   */
  driftReport() {
    try {
      return JSON.parse(this.#native.driftReport());
    } catch (error) {
      throw fromNative(error);
    }
  }

  /**
   * A watcher of this client's account: every change of its orders as a durable event, kept in a
   * SQLite file (`options.store`). See `Watcher`.
   * @param {import('../index').WatchOptions} options
   */
  watch(options) {
    const { Watcher } = require('./watcher');
    return new Watcher(this.#native, options);
  }

  /** The native client, for the package's own modules (`npay-order/temporal`); not public API. */
  [NATIVE]() {
    return this.#native;
  }

  /** Closes the client: later calls reject with `InvalidRequestError`; calls in flight finish. */
  close() {
    this.#native.close();
  }

  /**
   * The same operations resolving to `{ data, status, headers, traceId, timestamp }`. Built from
   * the subclass's operation table, so it always matches the plain methods.
   */
  get withRawResponse() {
    if (this.#raw === undefined) {
      const raw = {};
      for (const [id, info] of Object.entries(this.constructor[SURFACE].operations)) {
        raw[id] = (...args) => {
          const path = info.pathParams.length ? Object.fromEntries(info.pathParams.map((name, i) => [name, args[i]])) : undefined;
          return this[CALL](id, args[info.pathParams.length], path, true);
        };
      }
      this.#raw = Object.freeze(raw);
    }
    return this.#raw;
  }

  /** Calls one operation; every generated method ends here. */
  async [CALL](operationId, options, path, raw = false) {
    const params = withPath(operationId, options, path);
    checkRequestObjects(this.constructor[SURFACE], operationId, params);
    const json = paramsJson(operationId, params);
    let answer;
    try {
      answer = await this.#native.call(operationId, json, raw);
    } catch (error) {
      throw fromNative(error);
    }
    if (typeof answer === 'object' && answer !== null && answer.rest !== undefined) return finishEarly(answer, raw);
    // The addon hands `data` over as JSON text: `JSON.parse` builds the objects faster than
    // napi can one property at a time (measured; see src/convert.rs).
    return raw ? { ...answer, data: JSON.parse(answer.data) } : JSON.parse(answer);
  }

  /** An async iterable over every item of an iterator's range, fetched page by page. */
  [ITERATE](name, options) {
    const client = this.#native;
    const surface = this.constructor[SURFACE];
    return (async function* items() {
      checkRequestObjects(surface, surface.iterators[name], options);
      const json = paramsJson(name, options);
      let pager;
      try {
        pager = client.pager(name, json);
      } catch (error) {
        throw fromNative(error);
      }
      for (;;) {
        let page;
        try {
          page = await pager.nextPage();
        } catch (error) {
          throw fromNative(error);
        }
        if (page === null) return;
        yield* JSON.parse(page);
      }
    })();
  }

  /** What `util.inspect` and `console.log` show: never the secret (which JavaScript does not even keep). */
  [inspect.custom](depth, options, inspectFn = inspect) {
    const shown = { baseUrl: this.baseUrl, clientId: this.clientId, closed: this.closed };
    return `${this.constructor.name} ${inspectFn(shown, options)}`;
  }
}

module.exports = { BaseClient, CALL, ITERATE, NATIVE, SURFACE };
