'use strict';

// The error tree every language shares, as `Error` subclasses. The native addon rejects with a plain
// `Error` whose `name` is one of these class names and which carries the fields (see
// src/error.rs); `fromNative` turns it into an instance of that class so `instanceof` works.

/** The root of every error this package throws. Never contains the secret, a signature or a token. */
class NpayError extends Error {
  /**
   * @param {string} message
   * @param {{code?: string|null, status?: number|null, traceId?: string|null, timestamp?: string|null,
   *   invalidInputs?: Array<{name: string, kind: string, message: string}>, mayHaveBeenApplied?: boolean,
   *   cause?: unknown}} [fields]
   */
  constructor(message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    /** Naver's error code, when the server answered. */
    this.code = fields.code ?? null;
    /** HTTP status, when the server answered. */
    this.status = fields.status ?? null;
    /** The trace id to quote to Naver support. */
    this.traceId = fields.traceId ?? null;
    /** When the server answered. */
    this.timestamp = fields.timestamp ?? null;
    /** Which inputs were invalid. */
    this.invalidInputs = Object.freeze((fields.invalidInputs ?? []).map((i) => Object.freeze({ ...i })));
    /** Whether a failed mutation may nonetheless have been applied. */
    this.mayHaveBeenApplied = Boolean(fields.mayHaveBeenApplied);
  }
}
class ApiError extends NpayError {}
class BadRequestError extends ApiError {}
class AuthenticationError extends ApiError {}
class PermissionDeniedError extends ApiError {}
class NotFoundError extends ApiError {}
class RateLimitError extends ApiError {}
class ServerError extends ApiError {}
class ApiConnectionError extends NpayError {}
class ApiTimeoutError extends ApiConnectionError {}
class InvalidRequestError extends NpayError {}
/** The watcher stopped for a reason of its own: paging that does not advance, the store, a disabled endpoint. */
class WatchError extends NpayError {}

const CLASSES = {
  NpayError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ApiConnectionError,
  ApiTimeoutError,
  InvalidRequestError,
  WatchError,
};

// `name` on the prototype (not an own field): it survives minifiers and shows in stack traces.
for (const [name, cls] of Object.entries(CLASSES)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

/**
 * The typed error for anything the native addon threw or rejected with. Our own errors pass
 * through; napi's argument errors (a value of the wrong type reached the addon) become
 * `InvalidRequestError`; anything else is a bug and is wrapped as `NpayError` with its cause.
 */
function fromNative(error) {
  if (error instanceof NpayError) return error;
  if (error && typeof error === 'object') {
    const cls = Object.hasOwn(CLASSES, error.name) ? CLASSES[error.name] : null;
    if (cls && 'invalidInputs' in error) {
      const typed = new cls(String(error.message), error);
      // Start the stack at the caller's frames, not at this conversion.
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(typed, fromNative);
      return typed;
    }
    if (error.code === 'InvalidArg' || error.code === 'NumberExpected' || error.code === 'StringExpected') {
      return invalid('argument', String(error.message));
    }
  }
  return new NpayError(`unexpected native error: ${error && error.message ? error.message : String(error)}`, {
    cause: error,
  });
}

/** An `InvalidRequestError` about one input, found by the JavaScript side before sending. */
function invalid(name, message) {
  return new InvalidRequestError(`invalid request: ${name}: ${message}`, {
    invalidInputs: [{ name, kind: 'client', message }],
  });
}

module.exports = { ...CLASSES, fromNative, invalid };
