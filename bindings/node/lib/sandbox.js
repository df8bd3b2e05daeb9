'use strict';

// `startSandbox()`: the local emulator (crates/npay-sandbox) running inside this process, plus
// small helpers for its control API (`<baseUrl>/_sandbox/…`, JSON over HTTP), so users and the
// package's own tests drive orders, buyer/courier events, the clock and faults without Naver.
// `connectSandbox(baseUrl)`: the same helpers for a sandbox running elsewhere (the `npay-sandbox`
// binary, e.g. in a container), which this process never stops.

const { inspect } = require('node:util');
const native = require('./native');
const { NpayError, ApiConnectionError, ApiTimeoutError, fromNative, invalid } = require('./errors');

/** How long `connectSandbox` waits for the sandbox's first answer. */
const CONNECT_TIMEOUT_MS = 10_000;
const { isPlainObject, describe } = require('./convert');

/** @param {import('../index').SandboxOptions} [options] */
function nativeOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (!isPlainObject(options)) throw invalid('options', `must be a plain object, not ${describe(options)}`);
  const { clientId, clientSecret, seed, rateLimitRps, ...unknown } = options;
  const extra = Object.keys(unknown);
  if (extra.length) throw invalid(extra[0], 'unknown option; expected clientId, clientSecret, seed, rateLimitRps');
  for (const [name, value] of [['clientId', clientId], ['clientSecret', clientSecret]]) {
    if (value !== undefined && typeof value !== 'string') throw invalid(name, `must be a string, not ${describe(value)}`);
  }
  let nativeSeed;
  if (seed !== undefined) {
    if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) nativeSeed = BigInt(seed);
    else if (typeof seed === 'bigint' && seed >= 0n) nativeSeed = seed;
    else throw invalid('seed', 'must be a non-negative integer (number or bigint)');
  }
  if (rateLimitRps !== undefined && !(typeof rateLimitRps === 'number' && Number.isFinite(rateLimitRps) && rateLimitRps > 0)) {
    throw invalid('rateLimitRps', 'must be a positive number');
  }
  return { clientId, clientSecret, seed: nativeSeed, rateLimitRps };
}

/** The options of `connectSandbox`, checked here so that the addon only sees strings. */
function connectOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (!isPlainObject(options)) throw invalid('options', `must be a plain object, not ${describe(options)}`);
  const { apiUrl, clientId, clientSecret, ...unknown } = options;
  const extra = Object.keys(unknown);
  if (extra.length) throw invalid(extra[0], 'unknown option; expected apiUrl, clientId, clientSecret');
  for (const [name, value] of [['apiUrl', apiUrl], ['clientId', clientId], ['clientSecret', clientSecret]]) {
    // Never echo the value: it may be the secret.
    if (value !== undefined && typeof value !== 'string') throw invalid(name, `must be a string, not ${describe(value)}`);
  }
  return { apiUrl, clientId, clientSecret };
}

/** `baseUrl` without its trailing slashes, if it is an http(s) URL. */
function sandboxUrl(baseUrl) {
  if (typeof baseUrl !== 'string') throw invalid('baseUrl', `must be a string, not ${describe(baseUrl)}`);
  let url;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalid('baseUrl', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('baseUrl', `unsupported scheme ${url.protocol}`);
  return baseUrl.replace(/\/+$/, '');
}

/** A running sandbox; made by `startSandbox` or `connectSandbox`. */
class Sandbox {
  #native;

  constructor(nativeSandbox) {
    this.#native = nativeSandbox;
    /** Options every `client()` gets unless the call overrides them (e.g. `{ strict: true }`). */
    this.clientDefaults = {};
  }

  /** What a client's `baseUrl` is set to (for an attached sandbox: its `apiUrl`, if given). */
  get baseUrl() {
    return this.#native.baseUrl;
  }

  /** The base URL of the control API (`<the sandbox's base URL>/_sandbox`, never a proxy). */
  get controlUrl() {
    return this.#native.controlUrl;
  }

  /** The application id the sandbox accepts. */
  get clientId() {
    return this.#native.clientId;
  }

  /** The application secret the sandbox accepts (a sandbox value, yet still not shown by inspect). */
  get clientSecret() {
    return this.#native.clientSecret;
  }

  /** The data seed in use (a bigint: random seeds use all 64 bits). */
  get seed() {
    return this.#native.seed;
  }

  /** A `Client` for this sandbox, with its credentials. */
  client(options = {}) {
    if (!isPlainObject(options)) throw invalid('options', `must be a plain object, not ${describe(options)}`);
    const { Client } = require('../generated/client');
    return new Client({
      ...this.clientDefaults,
      ...options,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      baseUrl: this.baseUrl,
    });
  }

  /**
   * Any control-API call, e.g. `control('GET', 'stats')`. Resolves to the JSON answer; a non-2xx
   * answer rejects with an `NpayError` carrying its status and code.
   */
  async control(method, path, body) {
    const response = await fetch(`${this.controlUrl}/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { message: text };
    }
    if (!response.ok) {
      throw new NpayError(`sandbox ${method} ${path} failed: HTTP ${response.status}: ${json && json.message}`, {
        status: response.status,
        code: json && json.code,
        traceId: json && json.traceId,
      });
    }
    return json;
  }

  /** Creates orders: `{ count, status: 'PAYED' | 'PAYMENT_WAITING', productsPerOrder }`. */
  createOrders(request = {}) {
    return this.control('POST', 'orders', request);
  }

  /** A buyer, courier or time event on a product order (`deliver`, `request-return`, …). */
  event(productOrderId, event, body) {
    return this.control('POST', `product-orders/${encodeURIComponent(productOrderId)}/events/${encodeURIComponent(event)}`, body);
  }

  /** Moves the sandbox's clock forward by `seconds`. */
  advanceClock(seconds) {
    return this.control('POST', 'clock', { advanceSeconds: seconds });
  }

  /** Injected failures, e.g. `{ serverErrorRate: 0.2, seed: 1 }`; `{}` turns them off. */
  setFaults(faults) {
    return this.control('PUT', 'faults', faults);
  }

  /** Answers that deviate from the spec, e.g. `{ rate: 0.3, kinds: ['stringNumbers'], seed: 1 }`. */
  setDeviations(deviations) {
    return this.control('PUT', 'deviations', deviations);
  }

  /** `{ tokensIssued, requests, mutationsApplied }` since the last reset. */
  stats() {
    return this.control('GET', 'stats');
  }

  /** Forgets every order, token, fault and counter. */
  async reset() {
    await this.control('POST', 'reset');
  }

  /** Stops the server; idempotent. Leaves a sandbox attached by `connectSandbox` running. */
  async close() {
    try {
      await this.#native.close();
    } catch (error) {
      throw fromNative(error);
    }
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    return `Sandbox ${inspectFn({ baseUrl: this.baseUrl, clientId: this.clientId, seed: this.seed }, options)}`;
  }
}

if (typeof Symbol.asyncDispose === 'symbol') {
  // `await using sandbox = await startSandbox()` where the runtime supports it.
  Sandbox.prototype[Symbol.asyncDispose] = Sandbox.prototype.close;
}

/**
 * Starts the emulator on a free loopback port; resolves once it accepts connections.
 * @param {import('../index').SandboxOptions} [options]
 */
async function startSandbox(options) {
  const config = nativeOptions(options);
  try {
    return new Sandbox(await native.startSandbox(config));
  } catch (error) {
    throw fromNative(error);
  }
}

/**
 * Attaches to a sandbox that is already running (the `npay-sandbox` binary, e.g. in a container):
 * the same object as `startSandbox` gives, except that `close()` leaves the sandbox running.
 * Resolves once the sandbox answered `GET <baseUrl>/_sandbox/info`.
 * @param {string} baseUrl the sandbox's base URL, as it printed it (`http://HOST:PORT/npay/partner`)
 * @param {import('../index').ConnectSandboxOptions} [options]
 */
async function connectSandbox(baseUrl, options) {
  const url = sandboxUrl(baseUrl);
  const config = connectOptions(options);
  let response;
  try {
    response = await fetch(`${url}/_sandbox/info`, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
  } catch (error) {
    if (error && error.name === 'TimeoutError') {
      throw new ApiTimeoutError(`no answer from a sandbox at ${url} within ${CONNECT_TIMEOUT_MS} ms`, { cause: error });
    }
    const reason = error && error.cause && error.cause.message ? error.cause.message : String(error);
    throw new ApiConnectionError(`no sandbox answers at ${url}: ${reason}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new NpayError(`${url} is not an npay-sandbox: GET _sandbox/info answered HTTP ${response.status}`, { status: response.status });
  }
  try {
    return new Sandbox(native.connectSandbox(url, text, config));
  } catch (error) {
    throw fromNative(error);
  }
}

module.exports = { startSandbox, connectSandbox, Sandbox };
