'use strict';

// Shared fixtures of the suite: every test talks to a real sandbox over HTTP.
//
// By default each `describe` block starts its own embedded sandbox. With `NPAY_TEST_SANDBOX_URL`
// set (the base URL of a running `npay-sandbox`, e.g. `http://127.0.0.1:41234/npay/partner`) the
// suite attaches to that one instead (`connectSandbox`) and resets it where it would have started
// a fresh one: clients then call `NPAY_TEST_API_URL` (default: the sandbox itself; e.g. a
// `prism proxy --errors` in front of it), with `NPAY_TEST_CLIENT_ID` / `NPAY_TEST_CLIENT_SECRET`
// (default: the sandbox's); the control API is always the sandbox's own. One sandbox shared by
// the whole run needs the test files run one at a time: `node --test --test-concurrency=1`.

const npay = require('..');

/** The whole public API of the package, as a user's `require('npay-order')` gives it. */
exports.npay = npay;

/** A non-empty environment variable, or `undefined`. */
const env = (name) => process.env[name] || undefined;

/** The external sandbox's base URL, or `undefined` when the suite embeds its own sandboxes. */
const EXTERNAL_URL = env('NPAY_TEST_SANDBOX_URL');

/** Whether the suite runs against an external sandbox (`NPAY_TEST_SANDBOX_URL`). */
exports.external = EXTERNAL_URL !== undefined;

/**
 * The `skip` option of a test that needs an embedded sandbox of its own: false by default, the
 * reason in external mode.
 */
exports.needsOwnSandbox = (why) =>
  EXTERNAL_URL === undefined ? false : `needs an embedded sandbox of its own (${why}); NPAY_TEST_SANDBOX_URL is set`;

/**
 * A sandbox for a test: a new embedded one started with `options`, or in external mode the
 * external sandbox (where `options` do not apply: its seed and credentials are the run's).
 * `close()` stops an embedded one and leaves the external one running.
 */
exports.openSandbox = async function openSandbox(options) {
  const sandbox =
    EXTERNAL_URL === undefined
      ? await npay.startSandbox(options)
      : await npay.connectSandbox(EXTERNAL_URL, {
          apiUrl: env('NPAY_TEST_API_URL'),
          clientId: env('NPAY_TEST_CLIENT_ID'),
          clientSecret: env('NPAY_TEST_CLIENT_SECRET'),
        });
  // Our suite proves the sandbox answers exactly as the spec says: its clients are strict.
  sandbox.clientDefaults = { strict: true };
  return sandbox;
};

/**
 * Starts one sandbox for a `describe` block (stopped after it) and returns a getter for it. In
 * external mode: the external sandbox, reset before the block (see `openSandbox`).
 * @param {import('node:test')} t the `before` / `after` hooks
 */
exports.useSandbox = function useSandbox({ before, after }, options = { seed: 11 }) {
  const state = { sandbox: null };
  before(async () => {
    state.sandbox = await exports.openSandbox(options);
    if (exports.external) await state.sandbox.reset();
  });
  after(async () => {
    if (state.sandbox) await state.sandbox.close();
  });
  return () => state.sandbox;
};

/** The sandbox's own base URL (not a proxy's): what `connectSandbox` takes. */
exports.sandboxUrl = (sandbox) => sandbox.controlUrl.replace(/\/_sandbox$/, '');

/** `Date.now()` moved by `hours`, as a `Date`. */
exports.hoursFromNow = (hours) => new Date(Date.now() + hours * 3_600_000);

/** The total of every request the sandbox has counted, by operation. */
exports.totalRequests = (stats) => Object.values(stats.requests).reduce((a, b) => a + b, 0);
