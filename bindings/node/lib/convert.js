'use strict';

// Arguments into the JSON text the native core reads: one object with the API's camelCase keys.
//
// `JSON.stringify` walks the value once (in C++); its replacer turns `Date`s into Naver's
// date-time form and refuses what JSON would silently change (NaN and Infinity become `null`,
// functions and symbols vanish, BigInt throws), so every such mistake is an
// `InvalidRequestError` naming the key instead of a different request than the caller meant.

const { invalid } = require('./errors');

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** `2026-11-27T09:00:00.000+09:00`: ISO-8601 with milliseconds, in Korea Standard Time. */
function formatKst(date) {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('an invalid Date');
  const kst = new Date(time + KST_OFFSET_MS);
  const year = kst.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError('a Date outside the years 1–9999');
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(year, 4)}-${pad(kst.getUTCMonth() + 1)}-${pad(kst.getUTCDate())}` +
    `T${pad(kst.getUTCHours())}:${pad(kst.getUTCMinutes())}:${pad(kst.getUTCSeconds())}` +
    `.${pad(kst.getUTCMilliseconds(), 3)}+09:00`
  );
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The JSON text of `params` (a plain object, or `undefined` for none).
 * @param {string} what the operation or iterator, for messages
 */
function paramsJson(what, params) {
  if (params === undefined || params === null) return '{}';
  if (!isPlainObject(params)) {
    throw invalid(what, `the options must be a plain object with the API's camelCase keys, not ${describe(params)}`);
  }
  try {
    return JSON.stringify(params, function replace(key, value) {
      const original = this[key];
      if (original instanceof Date) {
        try {
          return formatKst(original);
        } catch (error) {
          throw invalid(key, `${error.message} is not a date-time`);
        }
      }
      switch (typeof original) {
        case 'number':
          if (!Number.isFinite(original)) throw invalid(key, `${original} is not a finite number`);
          return value;
        case 'bigint':
          throw invalid(key, 'a BigInt is not accepted; pass a number or a string');
        case 'function':
        case 'symbol':
          throw invalid(key, `a ${typeof original} is not a JSON value`);
        default:
          return value;
      }
    });
  } catch (error) {
    if (error instanceof TypeError) throw invalid(what, error.message); // e.g. a circular structure
    throw error;
  }
}

/**
 * Refuses unknown keys inside request objects (e.g. each dispatch entry), which JSON would carry
 * and the server ignore: a typo like `trackingNo` must not silently drop the tracking number.
 * Top-level keys are checked by the core; the tables come from the spec (generated/client.js).
 * @param {{operations: object, objects: object}} surface
 */
function checkRequestObjects(surface, operationId, params) {
  const operation = surface.operations[operationId];
  if (operation && isPlainObject(params)) walk(params, operation.objects, surface.objects, '');
}

function walk(holder, fields, schemas, prefix) {
  for (const [field, schemaName] of Object.entries(fields)) {
    const value = holder[field];
    const items = Array.isArray(value) ? value.map((item, i) => [item, `${prefix}${field}[${i}]`]) : [[value, `${prefix}${field}`]];
    const schema = schemas[schemaName];
    for (const [item, where] of items) {
      // Anything but an object is the core's to report (with the expected type).
      if (item === null || typeof item !== 'object' || Array.isArray(item) || item instanceof Date) continue;
      for (const key of Object.keys(item)) {
        if (item[key] !== undefined && !schema.keys.includes(key)) {
          throw invalid(`${where}.${key}`, `unknown field of ${schemaName}; expected one of ${schema.keys.join(', ')}`);
        }
      }
      walk(item, schema.objects, schemas, `${where}.`);
    }
  }
}

/** A short description of a value for messages; never its contents (it may be a secret). */
function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor && value.constructor.name ? value.constructor.name : 'object'}`;
  return `a ${typeof value}`;
}

module.exports = { formatKst, paramsJson, checkRequestObjects, isPlainObject, describe };
