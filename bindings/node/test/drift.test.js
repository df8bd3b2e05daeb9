'use strict';

// Reads survive answers that deviate from the spec: the sandbox's deviation fault perturbs its
// answers; a tolerant client (the default) reads every order, keeps unknown fields on the plain
// objects, reports each deviation without its value; a strict client rejects.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { npay, useSandbox, needsOwnSandbox } = require('./helpers');

/** Every string under a key naming a person, a phone or an address. */
function personal(value, out = []) {
  if (Array.isArray(value)) value.forEach((item) => personal(item, out));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const named = ['name', 'tel', 'address'].some((k) => key.toLowerCase().includes(k));
      if (named && typeof child === 'string' && child.length >= 3) out.push(child);
      else personal(child, out);
    }
  }
  return out;
}

describe('answers that deviate from the spec', { skip: needsOwnSandbox('a deviating answer is a violation through prism') }, () => {
  const sandbox = useSandbox({ before, after });
  let productOrderIds;
  beforeEach(async () => {
    await sandbox().reset();
    ({ productOrderIds } = await sandbox().createOrders({ count: 5 }));
  });

  it('keeps unknown fields on the plain objects', async () => {
    await sandbox().setDeviations({ rate: 1, kinds: ['unknownFields'], seed: 3 });
    const client = sandbox().client({ strict: false });
    const orders = await client.queryProductOrders({ productOrderIds });
    assert.equal(orders.length, 5);
    const extra = Object.keys(orders[0].productOrder).filter((k) => k.startsWith('sandboxExtra'));
    assert.ok(extra.length > 0, Object.keys(orders[0].productOrder).join(','));
    assert.ok(productOrderIds.includes(orders[0].productOrder.productOrderId), 'declared fields intact');
    client.close();
  });

  it('reads every order, reports each deviation and never shows a value', async () => {
    const strict = sandbox().client();
    const conforming = await strict.queryProductOrders({ productOrderIds });
    const values = personal(conforming);
    assert.ok(values.length > 0, 'the orders carry buyers data to look for');
    await sandbox().setDeviations({ rate: 0.4, kinds: ['stringNumbers', 'ynBooleans', 'wrongTypes', 'nulls'], seed: 11 });
    const client = sandbox().client({ strict: false });
    const orders = await client.queryProductOrders({ productOrderIds });
    assert.deepEqual(orders.map((o) => o.productOrder.productOrderId).sort(), [...productOrderIds].sort());
    const report = client.driftReport();
    assert.ok(report.length > 0, 'reported');
    for (const entry of report) {
      assert.equal(entry.operation, 'queryProductOrders');
      assert.ok(['coerced', 'emptied', 'missing', 'unknownField'].includes(entry.kind), entry.kind);
      assert.ok(entry.count >= 1 && !Number.isNaN(Date.parse(entry.firstSeen)));
    }
    const shown = JSON.stringify(report);
    for (const value of values) assert.ok(!shown.includes(value), 'a buyer value reached the report');
    // A strict client rejects the same answers, naming paths, not values.
    await assert.rejects(strict.queryProductOrders({ productOrderIds }), (error) => {
      assert.ok(error instanceof npay.NpayError, String(error));
      assert.match(error.message, /deviates from the spec \(strict\)/);
      for (const value of values) assert.ok(!error.message.includes(value), 'a buyer value reached the error');
      return true;
    });
    strict.close();
    client.close();
  });

  // An answer of 64 kB or more is parsed by JavaScript while the core decodes it; 40 full product
  // orders are about 107 kB, 20 about 53 kB (below the threshold, read as JSON text).
  it('reads a large answer as the same orders in small answers, and repairs and reports its deviations', async () => {
    ({ productOrderIds } = await sandbox().createOrders({ count: 40 }));
    const client = sandbox().client({ strict: false });
    const halves = async () => [
      ...(await client.queryProductOrders({ productOrderIds: productOrderIds.slice(0, 20) })),
      ...(await client.queryProductOrders({ productOrderIds: productOrderIds.slice(20) })),
    ];
    const large = await client.queryProductOrders({ productOrderIds });
    assert.equal(large.length, 40);
    assert.deepEqual(large, await halves());
    const raw = await client.withRawResponse.queryProductOrders({ productOrderIds });
    assert.equal(raw.status, 200);
    assert.deepEqual(raw.data, large);

    // Absent fields sent as null: the orders read as the typed data writes them (no nulls).
    await sandbox().control('PUT', 'absent-fields', { as: 'null' });
    const withNulls = await client.queryProductOrders({ productOrderIds });
    assert.ok(!JSON.stringify(withNulls).includes('null'), 'an explicit null reached the objects');
    assert.deepEqual(withNulls, large);
    await sandbox().control('PUT', 'absent-fields', { as: 'omitted' });

    // Deviations: the large answer is repaired and reported like the small ones.
    await sandbox().setDeviations({ rate: 0.3, kinds: ['stringNumbers', 'ynBooleans', 'naiveDateTimes'], seed: 5 });
    const repaired = await client.queryProductOrders({ productOrderIds });
    // Each answer deviates at other places, so only what the repair guarantees is compared.
    assert.ok(repaired.every((o) => typeof o.order.generalPaymentAmount === 'number'), 'numbers sent as strings are coerced');
    assert.ok(repaired.every((o) => typeof o.order.isMembershipSubscribed === 'boolean'), 'Y/N booleans are coerced');
    assert.deepEqual(repaired.map((o) => o.productOrder.productOrderId), large.map((o) => o.productOrder.productOrderId));
    assert.ok(client.driftReport().length > 0, 'the deviations of the large answer are reported');
    const strict = sandbox().client();
    await assert.rejects(strict.queryProductOrders({ productOrderIds }), npay.NpayError);
    strict.close();
    client.close();
  });

  // The addon's side of the same: the rest of an early answer is started once and settles once,
  // whether JavaScript takes it, waits for it, or both.
  it('settles the rest of a large answer once, taken or awaited', async () => {
    ({ productOrderIds } = await sandbox().createOrders({ count: 40 }));
    const native = require('../lib/native');
    const s = sandbox();
    const client = new native.NativeClient({ clientId: s.clientId, clientSecret: s.clientSecret, baseUrl: s.baseUrl });
    const params = JSON.stringify({ productOrderIds });
    const early = async () => {
      const answer = await client.call('queryProductOrders', params, false);
      assert.equal(typeof answer.body, 'string', 'a 107 kB answer is handed over early');
      return answer;
    };
    // Awaited without start(): finish() starts the decode; a conforming answer settles as null.
    let answer = await early();
    assert.equal(await answer.rest.finish(), null);
    assert.throws(() => answer.rest.take(), /already finished/);
    await assert.rejects(answer.rest.finish(), /already finished/);
    // Started, then taken until it is ready: undefined while it runs, then the result, once.
    answer = await early();
    answer.rest.start();
    answer.rest.start();
    let taken;
    while ((taken = answer.rest.take()) === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(taken, null);
    assert.equal(JSON.parse(answer.body).data.length, 40);
    assert.throws(() => answer.rest.take(), /already finished/);
    // A deviating answer: the decode's repaired data as text, not null.
    await s.setDeviations({ rate: 1, kinds: ['stringNumbers'], seed: 5 });
    answer = await early();
    const repaired = JSON.parse(await answer.rest.finish());
    assert.equal(repaired.length, 40);
    assert.ok(repaired.every((o) => typeof o.order.generalPaymentAmount === 'number'));
    client.close();
  });

  it('refuses a strict option that is not a boolean', () => {
    assert.throws(() => sandbox().client({ strict: 'yes' }), npay.InvalidRequestError);
  });
});
