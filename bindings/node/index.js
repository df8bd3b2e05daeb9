'use strict';

// npay-order: the CommonJS entry point (ESM importers get index.mjs, which re-exports this).
// The per-operation surface comes from generated/ (cargo xtask generate); lib/ is the
// handwritten generic base; the native addon does the I/O.

const errors = require('./lib/errors');
const { Client, OPERATIONS, ITERATORS } = require('./generated/client');
const { startSandbox, connectSandbox } = require('./lib/sandbox');
const { sign } = require('./lib/sign');

module.exports = {
  Client,
  OPERATIONS,
  ITERATORS,
  sign,
  startSandbox,
  connectSandbox,
  NpayError: errors.NpayError,
  ApiError: errors.ApiError,
  BadRequestError: errors.BadRequestError,
  AuthenticationError: errors.AuthenticationError,
  PermissionDeniedError: errors.PermissionDeniedError,
  NotFoundError: errors.NotFoundError,
  RateLimitError: errors.RateLimitError,
  ServerError: errors.ServerError,
  ApiConnectionError: errors.ApiConnectionError,
  ApiTimeoutError: errors.ApiTimeoutError,
  InvalidRequestError: errors.InvalidRequestError,
  WatchError: errors.WatchError,
  Watcher: require('./lib/watcher').Watcher,
  WatchEvent: require('./lib/watcher').WatchEvent,
};
