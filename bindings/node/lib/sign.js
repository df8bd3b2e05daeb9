'use strict';

const native = require('./native');
const { fromNative, invalid } = require('./errors');
const { describe } = require('./convert');

/**
 * The `client_secret_sign` of a token request:
 * `base64(bcrypt(clientId + "_" + timestampMs, salt = clientSecret))`.
 */
function sign(clientId, clientSecret, timestampMs) {
  if (typeof clientId !== 'string') throw invalid('clientId', `must be a string, not ${describe(clientId)}`);
  if (typeof clientSecret !== 'string') throw invalid('clientSecret', `must be a string, not ${describe(clientSecret)}`);
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw invalid('timestampMs', 'must be a non-negative integer number of milliseconds since the epoch');
  }
  try {
    return native.sign(clientId, clientSecret, timestampMs);
  } catch (error) {
    throw fromNative(error);
  }
}

module.exports = { sign };
