'use strict';

// The order watcher from JavaScript: run(handler), for await with ack, retries and parking,
// graceful stop on SIGINT, counted against the sandbox's own record of every change.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { mkdtempSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { inspect } = require('node:util');
const { npay, useSandbox, totalRequests } = require('./helpers');

const FAST = { settleLagMs: 100, overlapMs: 3_000, pollIntervalMs: 50 };

/** `productOrderId lastChangedType` of every product order's latest recorded change. */
async function latestChanges(sandbox) {
  const { changes } = await sandbox.control('GET', 'changes');
  return new Set(changes.filter((c) => c.replacedAtMs === undefined).map((c) => `${c.productOrderId} ${c.lastChangedType}`));
}

describe('the order watcher', () => {
  const sandbox = useSandbox({ before, after });
  let dir;
  let since;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'npay-watch-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    await sandbox().reset();
    const { now } = await sandbox().control('GET', 'clock');
    since = new Date(new Date(now).getTime() - 60_000);
  });
  let n = 0;
  const store = () => join(dir, `orders-${++n}.sqlite`);

  it('run(handler) hands every change over once, with details', async () => {
    await sandbox().createOrders({ count: 20, productsPerOrder: 2 });
    const watcher = sandbox().client().watch({ store: store(), since, ...FAST });
    const seen = [];
    await watcher.run(async (event) => {
      seen.push(event);
      if (seen.length === 40) watcher.stop();
    });
    assert.deepEqual(new Set(seen.map((e) => `${e.productOrderId} ${e.lastChangedType}`)), await latestChanges(sandbox()));
    assert.equal(new Set(seen.map((e) => e.id)).size, 40, 'no event handed over twice');
    const event = seen[0];
    assert.ok(event instanceof npay.WatchEvent);
    assert.equal(event.attempt, 1);
    assert.equal(event.change.productOrderId, event.productOrderId);
    assert.equal(event.detail.productOrder.productOrderId, event.productOrderId);
    assert.equal(JSON.parse(JSON.stringify(event)).productOrderId, event.productOrderId);
    assert.deepEqual(watcher.events().map((s) => s.status), Array(40).fill('done'));
    assert.ok(watcher.cursor());
  });

  it('for await with await event.ack() goes on where the last watcher stopped', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 2 });
    const file = store();
    const first = sandbox().client().watch({ store: file, since, ...FAST });
    const taken = [];
    for await (const event of first) {
      taken.push(event.productOrderId);
      assert.equal(await event.ack(), true);
      assert.equal(await event.ack(), false, 'an answered event cannot be answered again');
      if (taken.length === 2) first.stop();
    }
    assert.deepEqual(taken.sort(), [...productOrderIds].sort());
    await sandbox().event(productOrderIds[0], 'request-cancel');
    const second = sandbox().client().watch({ store: file, ...FAST }); // no since: the stored cursor
    for await (const event of second) {
      assert.equal(event.productOrderId, productOrderIds[0]);
      assert.ok((await latestChanges(sandbox())).has(`${event.productOrderId} ${event.lastChangedType}`));
      await event.ack();
      second.stop();
    }
  });

  it('a rejecting handler is retried with the same id, then parked, listed without its message, and resendable', async () => {
    await sandbox().createOrders({ count: 1 });
    const watcher = sandbox().client().watch({ store: store(), since, ...FAST, maxAttempts: 3, retryBaseMs: 10 });
    const attempts = [];
    const buyer = '홍길동 010-1234-5678';
    await watcher.run(async (event) => {
      attempts.push([event.id, event.attempt]);
      if (attempts.length === 3) setTimeout(() => watcher.stop(), 600);
      throw new Error(buyer);
    });
    assert.deepEqual(attempts.map(([, a]) => a), [1, 2, 3]);
    assert.equal(new Set(attempts.map(([id]) => id)).size, 1);
    const [parked] = watcher.events({ status: 'failed' });
    assert.match(parked.lastError, /Error/);
    assert.ok(!parked.lastError.includes(buyer), "a handler's message may quote buyers' data");
    assert.equal(watcher.resend(parked.event.id), true);
    assert.equal(watcher.events({ status: 'pending' }).length, 1);
    assert.equal(watcher.resend('no-such-event'), false);
  });

  it('asking for the next event without answering brings the last one back', async () => {
    await sandbox().createOrders({ count: 1 });
    const watcher = sandbox().client().watch({ store: store(), since, ...FAST, retryBaseMs: 10 });
    const first = await watcher.next();
    const again = await watcher.next();
    assert.equal(again.id, first.id);
    assert.equal(again.attempt, 2);
    assert.equal(await again.nack('not now'), true);
    const third = await watcher.next();
    assert.equal(third.attempt, 3);
    await third.ack();
    watcher.stop();
    assert.equal(await watcher.next(), null);
  });

  it('SIGINT during run() finishes the event in flight and resolves', async () => {
    await sandbox().createOrders({ count: 3 });
    const watcher = sandbox().client().watch({ store: store(), since, ...FAST });
    const finished = [];
    const listeners = process.listenerCount('SIGINT');
    await watcher.run(async (event) => {
      if (finished.length === 0) process.kill(process.pid, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished.push(event.id);
    });
    assert.ok(watcher.stopped);
    const done = new Set(watcher.events({ status: 'done' }).map((s) => s.event.id));
    assert.ok(finished.length >= 1 && finished.every((id) => done.has(id)), 'the event in flight was marked done');
    assert.equal(process.listenerCount('SIGINT'), listeners, 'the listeners are removed');
  });

  it('bad options are refused before anything is sent', async () => {
    const client = sandbox().client();
    const file = store();
    const refused = (options, name) =>
      assert.throws(() => client.watch(options), (e) => e instanceof npay.InvalidRequestError && e.message.includes(name));
    refused({ store: file, since, pageSize: 0 }, 'page_size');
    refused({ store: file, since: 'yesterday' }, 'since');
    refused({ store: file, events: 'PAYED' }, 'events');
    refused({ store: file, settleLagMs: -1 }, 'settleLagMs');
    refused({ store: file, bogus: 1 }, 'bogus');
    refused({}, 'store');
    const fresh = client.watch({ store: file }); // no cursor yet and no since
    await assert.rejects(fresh.next(), (e) => e instanceof npay.InvalidRequestError && /since/.test(e.message));
    assert.equal(totalRequests(await sandbox().stats()), 0);
  });

  it('inspect() of an event names ids and kinds, no buyer data', async () => {
    await sandbox().createOrders({ count: 1 });
    const watcher = sandbox().client().watch({ store: store(), since, ...FAST });
    const event = await watcher.next();
    const text = inspect(event);
    assert.ok(text.includes(event.id) && text.includes('PAYED'));
    for (const value of [event.productOrderId, event.detail.order.ordererName, event.detail.order.ordererTel]) {
      if (value) assert.ok(!text.includes(value));
    }
    await event.ack();
    watcher.stop();
    assert.equal(await watcher.next(), null);
  });
});
