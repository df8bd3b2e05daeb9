'use strict';
// The read activity: one step of the core's cursor per call, in a worker process. Credentials
// never enter Temporal: the user's resolver runs here, and one client per account lives for the
// life of the process, so its token (cached by the core client) is reused.

const { Context } = require('@temporalio/activity');
const { Client } = require('../../index.js');
const native = require('../native.js');
const { NATIVE } = require('../base-client.js');

const READ_ACTIVITY = 'npayReadWindow';
const ID_FIELDS = ['id', 'account', 'productOrderId', 'lastChangedType', 'lastChangedDate', 'attempt'];

/** The activities a worker registers: `{ npayReadWindow }`. */
function npayActivities(resolve, { timeoutMs } = {}) {
  if (typeof resolve !== 'function') throw new TypeError('resolve must be a function (account) => credentials');
  const clients = new Map();
  const offsets = new Map();

  function client(account) {
    let made = clients.get(account);
    if (made === undefined) {
      made = Promise.resolve(resolve(account)).then((found) => new Client({
        clientId: found.clientId ?? account, clientSecret: found.clientSecret,
        ...(found.baseUrl != null ? { baseUrl: found.baseUrl } : {}),
        ...(timeoutMs != null ? { timeoutMs } : {}),
      }));
      made.catch(() => clients.delete(account));
      clients.set(account, made);
    }
    return made;
  }

  function caughtUp(input, cursor, offset) {
    return native.cursorCaughtUp(cursor, Date.now() + offset, input.settleLagMs ?? undefined,
      input.pollIntervalS * 1000);
  }

  async function npayReadWindow(input) {
    const details = Context.current().info.heartbeatDetails;
    let cursor = details != null ? String(details) : input.cursor;
    if (cursor == null) cursor = native.cursorStartingAt(input.sinceMs);
    let c;
    try {
      c = await client(input.account);
    } catch (e) {
      clients.delete(input.account);
      throw e;
    }
    let step = null;
    let pages = 0;
    let offset = offsets.get(input.account) ?? 0;
    try {
      while (pages < Math.max(1, input.maxPages ?? 1)) {
        const answer = JSON.parse(await native.readWindowPage(c[NATIVE](), cursor, {
          nowMs: Date.now() + offset, events: input.events ?? undefined,
          settleLagMs: input.settleLagMs ?? undefined, overlapMs: input.overlapMs ?? undefined,
          pageSize: input.pageSize ?? undefined, details: input.details && !input.idsOnly,
        }));
        if (answer.serverNowMs != null) {
          offset = answer.serverNowMs - Date.now();
          offsets.set(input.account, offset);
        }
        cursor = JSON.stringify(answer.cursor);
        step = answer.step;
        if (step == null) break;
        pages += 1;
        let events = answer.events;
        if (events.length > 0) {
          if (input.idsOnly) {
            events = events.map((e) => Object.fromEntries(ID_FIELDS.filter((k) => k in e).map((k) => [k, e[k]])));
          }
          return { cursor, events, step, caughtUp: step === 'windowDone' && caughtUp(input, cursor, offset), pages };
        }
        if (step === 'windowDone') break;
        Context.current().heartbeat(cursor);
      }
    } catch (e) {
      if (e && e.name === 'AuthenticationError') clients.delete(input.account); // perhaps rotated
      throw e;
    }
    return { cursor, events: [], step, caughtUp: step == null || caughtUp(input, cursor, offset), pages };
  }

  return { [READ_ACTIVITY]: npayReadWindow };
}

module.exports = { npayActivities, READ_ACTIVITY };
