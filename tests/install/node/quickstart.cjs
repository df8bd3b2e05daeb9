'use strict';
// The Node quickstart as a CommonJS user writes it, run by `cargo xtask install-test` in a new npm
// project that installed only the two packed tarballs (the main package and this platform's addon).

const { startSandbox, NotFoundError } = require('npay-order');

async function main() {
  const sandbox = await startSandbox({ seed: 42 });
  const client = sandbox.client();
  try {
    const since = new Date(Date.now() - 60 * 60 * 1000);
    await sandbox.createOrders({ count: 3, status: 'PAYED' });
    const ids = [];
    for await (const change of client.iterLastChangedStatuses({ lastChangedFrom: since, lastChangedType: 'PAYED' })) {
      ids.push(change.productOrderId);
    }
    const confirmed = await client.confirmProductOrders({ productOrderIds: ids });
    const { data: dispatched, traceId } = await client.withRawResponse.dispatchProductOrders({
      dispatchProductOrders: ids.map((productOrderId, i) => ({
        productOrderId,
        deliveryMethod: 'DELIVERY',
        deliveryCompanyCode: 'CJGLS',
        trackingNumber: `64001234${String(i).padStart(4, '0')}`,
        dispatchDate: new Date(),
      })),
    });
    let notFound = false;
    try {
      await client.approveCancel('9999999999999999');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      notFound = true;
    }
    const done = dispatched.successProductOrderIds?.length ?? 0;
    if (ids.length !== 3 || (confirmed.successProductOrderInfos?.length ?? 0) !== 3 || done !== 3 || !notFound || !traceId) {
      throw new Error(`unexpected results: ${JSON.stringify({ ids, confirmed, dispatched, notFound, traceId })}`);
    }
    console.log(`cjs quickstart: confirmed and dispatched ${done} product orders (trace id ${traceId})`);
  } finally {
    client.close();
    await sandbox.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
