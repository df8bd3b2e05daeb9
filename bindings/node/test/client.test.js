'use strict';

// The client as a Node program uses it: many calls at once, an event loop that stays free while
// calls wait on the network, close(), the raw-response accessor, and `Date` arguments.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { npay, useSandbox, hoursFromNow } = require('./helpers');
const { formatKst } = require('../lib/convert');

describe('Client', () => {
  const sandbox = useSandbox({ before, after });
  beforeEach(async () => {
    await sandbox().reset();
  });

  it('runs 200 calls at once with Promise.all, sharing one token', async () => {
    const client = sandbox().client();
    const { orderIds, productOrderIds } = await sandbox().createOrders({ count: 20, productsPerOrder: 2 });
    const calls = [];
    for (let i = 0; i < 200; i++) {
      calls.push(i % 2 ? client.listProductOrderIds(orderIds[i % 20]) : client.queryProductOrders({ productOrderIds: [productOrderIds[i % 40]] }));
    }
    const results = await Promise.all(calls);
    results.forEach((result, i) => {
      if (i % 2) assert.equal(result.length, 2);
      else assert.equal(result[0].productOrder.productOrderId, productOrderIds[i % 40]);
    });
    const stats = await sandbox().stats();
    assert.equal(stats.tokensIssued, 1, 'the token is fetched once for all concurrent calls');
    assert.equal(stats.requests.listProductOrderIds + stats.requests.queryProductOrders, 200);
    client.close();
  });

  it('keeps the event loop free while a call waits on the network', async () => {
    const client = sandbox().client();
    await client.listLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) }); // token first
    await sandbox().setFaults({ latencyMs: 400 });
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    try {
      await client.listLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) });
    } finally {
      clearInterval(timer);
      await sandbox().setFaults({});
      client.close();
    }
    assert.ok(ticks >= 15, `a 10 ms timer fired only ${ticks} times during a 400 ms call`);
  });

  it('close() refuses later calls, lets calls in flight finish, and is idempotent', async () => {
    const client = sandbox().client();
    const { productOrderIds } = await sandbox().createOrders({ count: 1 });
    await client.queryProductOrders({ productOrderIds }); // token first
    await sandbox().setFaults({ latencyMs: 200 });
    const inFlight = client.queryProductOrders({ productOrderIds });
    client.close();
    client.close();
    assert.equal(client.closed, true);
    try {
      assert.equal((await inFlight).length, 1, 'the call started before close() completes');
    } finally {
      await sandbox().setFaults({});
    }
    await assert.rejects(client.queryProductOrders({ productOrderIds }), (error) => {
      assert.ok(error instanceof npay.InvalidRequestError);
      assert.match(error.message, /closed/);
      return true;
    });
    await assert.rejects(async () => {
      for await (const item of client.iterLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) })) assert.fail(String(item));
    }, npay.InvalidRequestError);
    assert.equal((await sandbox().stats()).requests.queryProductOrders, 2);
  });

  it('withRawResponse resolves to data, status, headers, trace id and timestamp', async () => {
    const client = sandbox().client();
    const { orderIds } = await sandbox().createOrders({ count: 1, productsPerOrder: 3 });
    const raw = await client.withRawResponse.listProductOrderIds(orderIds[0]);
    assert.deepEqual(raw.data, await client.listProductOrderIds(orderIds[0]));
    assert.equal(raw.status, 200);
    assert.equal(typeof raw.traceId, 'string');
    assert.equal(raw.headers['gncp-gw-trace-id'], raw.traceId);
    assert.match(raw.headers['content-type'], /application\/json/);
    assert.match(raw.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$/);
    assert.deepEqual(Object.keys(client.withRawResponse).sort(), Object.keys(npay.OPERATIONS).sort());
    client.close();
  });

  it('has one method per public operation of the spec, plus the two iterators', () => {
    const client = sandbox().client();
    for (const id of Object.keys(npay.OPERATIONS)) assert.equal(typeof client[id], 'function', id);
    for (const name of Object.keys(npay.ITERATORS)) assert.equal(typeof client[name], 'function', name);
    // That OPERATIONS holds every operation of the spec is checked against the spec itself in
    // surface.test.js (a count here would break on every API addition).
    assert.equal(client.issueToken, undefined, 'the token call is internal');
    client.close();
  });

  it('sends a JS Date as ISO-8601 with milliseconds and +09:00', async () => {
    assert.equal(formatKst(new Date('2026-11-27T00:00:00.000Z')), '2026-11-27T09:00:00.000+09:00');
    assert.equal(formatKst(new Date('2026-12-31T15:30:00.007Z')), '2027-01-01T00:30:00.007+09:00');
    const client = sandbox().client();
    const { productOrderIds } = await sandbox().createOrders({ count: 1 });
    await client.confirmProductOrders({ productOrderIds });
    const due = new Date(Date.now() + 3 * 24 * 3600e3);
    const result = await client.delayDispatch(productOrderIds[0], {
      dispatchDueDate: due,
      delayedDispatchReason: 'PRODUCT_PREPARE',
      dispatchDelayedDetailedReason: '재고 입고 대기',
    });
    assert.deepEqual(result.successProductOrderIds, productOrderIds);
    const [detail] = await client.queryProductOrders({ productOrderIds });
    assert.equal(Date.parse(detail.productOrder.shippingDueDate), due.getTime(), 'the same instant comes back');
    assert.match(detail.productOrder.shippingDueDate, /\+09:00$/);
    client.close();
  });

  it('accepts ISO strings and UTC strings for date-times', async () => {
    const client = sandbox().client();
    await client.listLastChangedStatuses({ lastChangedFrom: formatKst(hoursFromNow(-1)) });
    await client.listLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1).toISOString() });
    client.close();
  });

  it('reads credentials from NPAY_CLIENT_ID / NPAY_CLIENT_SECRET', async () => {
    const saved = { id: process.env.NPAY_CLIENT_ID, secret: process.env.NPAY_CLIENT_SECRET };
    process.env.NPAY_CLIENT_ID = sandbox().clientId;
    process.env.NPAY_CLIENT_SECRET = sandbox().clientSecret;
    try {
      const client = new npay.Client({ baseUrl: sandbox().baseUrl });
      assert.equal(client.clientId, sandbox().clientId);
      assert.deepEqual(await client.queryProductOrders({ productOrderIds: ['9999999999999999'] }), []);
      client.close();
    } finally {
      for (const [key, value] of [['NPAY_CLIENT_ID', saved.id], ['NPAY_CLIENT_SECRET', saved.secret]]) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('signs like the published test vector', () => {
    assert.equal(
      npay.sign('aaaabbbbcccc', '$2a$10$abcdefghijklmnopqrstuv', 1643961623299),
      'JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy',
    );
  });
});
