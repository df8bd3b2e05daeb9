'use strict';

// Shared fixtures of the suite: every test talks to a real sandbox over HTTP.

const npay = require('..');

/** The whole public API of the package, as a user's `require('npay-order')` gives it. */
exports.npay = npay;

/**
 * Starts one sandbox for a `describe` block (stopped after it) and returns a getter for it.
 * @param {import('node:test')} t the `before` / `after` hooks
 */
exports.useSandbox = function useSandbox({ before, after }, options = { seed: 11 }) {
  const state = { sandbox: null };
  before(async () => {
    state.sandbox = await npay.startSandbox(options);
  });
  after(async () => {
    if (state.sandbox) await state.sandbox.close();
  });
  return () => state.sandbox;
};

/** `Date.now()` moved by `hours`, as a `Date`. */
exports.hoursFromNow = (hours) => new Date(Date.now() + hours * 3_600_000);

/** The total of every request the sandbox has counted, by operation. */
exports.totalRequests = (stats) => Object.values(stats.requests).reduce((a, b) => a + b, 0);
