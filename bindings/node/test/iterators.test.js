'use strict';

// The async iterators walk pages (`more`, `hasNext`) and 24-hour windows for the caller and yield
// each item once; the sandbox's clock makes ranges longer than a day without waiting one.

const { describe, it, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { npay, useSandbox, hoursFromNow } = require('./helpers');

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('iterLastChangedStatuses / iterSearchProductOrders', () => {
  const sandbox = useSandbox({ before, after });
  let client;
  beforeEach(async () => {
    await sandbox().reset();
    client = sandbox().client();
  });
  afterEach(() => client.close());

  it('returns an async iterable (for await) that is also an iterator', () => {
    const iterable = client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) });
    assert.equal(typeof iterable[Symbol.asyncIterator], 'function');
    assert.equal(typeof iterable.next, 'function');
  });

  it('follows `more` across pages and yields each change once, in order', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 7, status: 'PAYED' });
    const before = (await sandbox().stats()).requests.listLastChangedStatuses;
    const items = await collect(client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1), limitCount: 2 }));
    const after = (await sandbox().stats()).requests.listLastChangedStatuses;
    assert.deepEqual(items.map((i) => i.productOrderId).sort(), [...productOrderIds].sort());
    assert.equal(new Set(items.map((i) => i.productOrderId)).size, items.length, 'no repeats');
    assert.ok(after - before >= 4, `7 items in pages of 2 take at least 4 requests, took ${after - before}`);
    const dates = items.map((i) => Date.parse(i.lastChangedDate));
    assert.deepEqual(dates, [...dates].sort((a, b) => a - b), 'ascending change time');
  });

  it('splits a range longer than 24 hours into windows (sandbox clock moved 30 h)', async () => {
    const first = await sandbox().createOrders({ count: 2 });
    await sandbox().advanceClock(30 * 3600);
    const second = await sandbox().createOrders({ count: 3 });
    const items = await collect(client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1), lastChangedType: 'PAYED' }));
    const ids = items.map((i) => i.productOrderId).sort();
    assert.deepEqual(ids, [...first.productOrderIds, ...second.productOrderIds].sort());
    const requests = (await sandbox().stats()).requests.listLastChangedStatuses;
    assert.ok(requests >= 2, `a 31-hour range needs at least two windows, made ${requests} request(s)`);
  });

  it('walks an explicit range longer than a day (the plain call refuses it)', async () => {
    await sandbox().createOrders({ count: 1 });
    await sandbox().advanceClock(50 * 3600);
    await sandbox().createOrders({ count: 1 });
    const range = { lastChangedFrom: hoursFromNow(-1), lastChangedTo: hoursFromNow(52) };
    await assert.rejects(client.listLastChangedStatuses(range), npay.InvalidRequestError);
    const items = await collect(client.iterLastChangedStatuses(range));
    assert.equal(items.length, 2);
  });

  it('yields nothing for a quiet range', async () => {
    const items = await collect(client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) }));
    assert.deepEqual(items, []);
  });

  it('pages searchProductOrders (hasNext) and yields each product order once', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 5, productsPerOrder: 1 });
    const items = await collect(
      client.iterSearchProductOrders({ from: hoursFromNow(-1), rangeType: 'PAYED_DATETIME', pageSize: 2 }),
    );
    assert.deepEqual(items.map((i) => i.productOrderId).sort(), [...productOrderIds].sort());
    assert.ok(items.every((i) => i.content && i.content.productOrder), 'each item carries its content');
    assert.ok((await sandbox().stats()).requests.searchProductOrders >= 3, '5 items in pages of 2');
  });

  it('can stop early (break) without draining the range', async () => {
    await sandbox().createOrders({ count: 6 });
    let seen = 0;
    for await (const item of client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1), limitCount: 2 })) {
      assert.ok(item.productOrderId);
      seen += 1;
      if (seen === 3) break;
    }
    assert.equal(seen, 3);
    assert.ok((await sandbox().stats()).requests.listLastChangedStatuses <= 2, 'only the pages needed were fetched');
  });

  it('rejects with a typed API error when a page fails', async () => {
    await sandbox().setFaults({ serverErrorRate: 1, seed: 3 });
    const failing = sandbox().client({ maxRetries: 0 });
    try {
      await assert.rejects(collect(failing.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) })), npay.ServerError);
    } finally {
      failing.close();
      await sandbox().setFaults({});
    }
  });
});
