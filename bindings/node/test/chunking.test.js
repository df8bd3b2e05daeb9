'use strict';

// Lists longer than one request takes (300 ids for queryProductOrders, 30 entries
// for confirm/dispatch) are split into several requests and their results merged into one.

const { describe, it, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { useSandbox } = require('./helpers');

describe('chunking of long lists', () => {
  const sandbox = useSandbox({ before, after });
  let client;
  beforeEach(async () => {
    await sandbox().reset();
    client = sandbox().client();
  });
  afterEach(() => client.close());

  it('confirms 65 product orders in 3 requests and merges the results', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 65 });
    const result = await client.confirmProductOrders({ productOrderIds });
    assert.equal(result.successProductOrderInfos.length, 65);
    assert.deepEqual(result.successProductOrderInfos.map((i) => i.productOrderId).sort(), [...productOrderIds].sort());
    const stats = await sandbox().stats();
    assert.equal(stats.requests.confirmProductOrders, 3);
    assert.equal(stats.mutationsApplied.confirmProductOrders, 65);
  });

  it('queries 650 product orders in 3 requests and returns them all', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 650 });
    const details = await client.queryProductOrders({ productOrderIds });
    assert.equal(details.length, 650);
    assert.deepEqual(new Set(details.map((d) => d.productOrder.productOrderId)), new Set(productOrderIds));
    assert.equal((await sandbox().stats()).requests.queryProductOrders, 3);
  });

  it('dispatches 31 entries in 2 requests, keeping a per-item failure as a result', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 31 });
    const confirmed = productOrderIds.slice(0, 30);
    // The 31st is not confirmed: its dispatch fails as a per-item result, not as an exception.
    await client.confirmProductOrders({ productOrderIds: confirmed });
    const entries = productOrderIds.map((productOrderId, i) => ({
      productOrderId,
      deliveryMethod: 'DELIVERY',
      deliveryCompanyCode: 'CJGLS',
      trackingNumber: `6400${String(i).padStart(8, '0')}`,
      dispatchDate: new Date(),
    }));
    const result = await client.dispatchProductOrders({ dispatchProductOrders: entries });
    assert.deepEqual([...result.successProductOrderIds].sort(), [...confirmed].sort());
    assert.deepEqual(result.failProductOrderInfos.map((f) => [f.productOrderId, f.code]), [[productOrderIds[30], '104443']]);
    assert.equal((await sandbox().stats()).requests.dispatchProductOrders, 2);
  });

  it('sends exactly one request at the limit (30 ids)', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 30 });
    await client.confirmProductOrders({ productOrderIds });
    assert.equal((await sandbox().stats()).requests.confirmProductOrders, 1);
  });
});
