'use strict';

// `startSandbox()`: the local emulator (crates/npay-sandbox) running inside this process, plus
// helpers for its control API (`<baseUrl>/_sandbox/…`), so users and the package's own tests
// drive orders, buyer/courier events, the clock and faults without Naver. The helpers go through
// the project's one typed control client in the addon: plain objects go in and come out (as JSON
// text across the boundary), their camelCase keys the control API's own.
// `connectSandbox(baseUrl)`: the same helpers for a sandbox running elsewhere (the `npay-sandbox`
// binary, e.g. in a container), which this process never stops.

const { inspect } = require('node:util');
const native = require('./native');
const { fromNative, invalid } = require('./errors');
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

  /** One call of the addon's control client; resolves to its (JSON) answer. */
  async #call(name, ...args) {
    let text;
    try {
      text = await this.#native[name](...args);
    } catch (error) {
      throw fromNative(error);
    }
    return text ? JSON.parse(text) : null;
  }

  /**
   * Any control-API call, e.g. `control('GET', 'stats')`. Resolves to the JSON answer; a non-2xx
   * answer rejects with an `NpayError` carrying its status and code.
   */
  async control(method, path, body) {
    if (typeof method !== 'string') throw invalid('method', `must be a string, not ${describe(method)}`);
    if (typeof path !== 'string') throw invalid('path', `must be a string, not ${describe(path)}`);
    return this.#call('control', method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  /** Creates orders: `{ count, status: 'PAYED' | 'PAYMENT_WAITING', productsPerOrder }`, each optional. */
  async createOrders(request = {}) {
    return this.#call('createOrders', objectJson('request', request));
  }

  /** A buyer, courier or time event on a product order (`deliver`, `request-return`, …). */
  async event(productOrderId, event, body) {
    if (typeof productOrderId !== 'string') throw invalid('productOrderId', `must be a string, not ${describe(productOrderId)}`);
    if (typeof event !== 'string') throw invalid('event', `must be a string, not ${describe(event)}`);
    return this.#call('event', productOrderId, event, body === undefined ? undefined : objectJson('body', body));
  }

  /** Moves the sandbox's clock forward by `seconds`. */
  async advanceClock(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw invalid('seconds', `must be a finite number, not ${describe(seconds)}`);
    return this.#call('advanceClock', seconds);
  }

  /** Injected failures, e.g. `{ serverErrorRate: 0.2, seed: 1 }`; `{}` turns them off. */
  async setFaults(faults) {
    return this.#call('setFaults', objectJson('faults', faults));
  }

  /** Answers that deviate from the spec, e.g. `{ rate: 0.3, kinds: ['stringNumbers'], seed: 1 }`. */
  async setDeviations(deviations) {
    return this.#call('setDeviations', objectJson('deviations', deviations));
  }

  /** `{ tokensIssued, requests, mutationsApplied }` since the last reset. */
  async stats() {
    return this.#call('stats');
  }

  /** Forgets every order, token, fault and counter. */
  async reset() {
    await this.#call('reset');
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
  try {
    return new Sandbox(await native.connectSandbox(url, config));
  } catch (error) {
    throw fromNative(error);
  }
}

/** A plain object's JSON text (what the addon's control calls take); `name` names it in the error. */
function objectJson(name, value) {
  if (!isPlainObject(value)) throw invalid(name, `must be a plain object, not ${describe(value)}`);
  return JSON.stringify(value);
}

module.exports = { startSandbox, connectSandbox, Sandbox };
