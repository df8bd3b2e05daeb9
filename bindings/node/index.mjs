// npay-order for ES modules: the same objects as the CommonJS entry (one copy of each class, so
// `instanceof` agrees whichever way a program loads the package).
import cjs from './index.js';

export const {
  Client,
  OPERATIONS,
  ITERATORS,
  sign,
  startSandbox,
  connectSandbox,
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
  Watcher,
  WatchEvent,
} = cjs;

export default cjs;
