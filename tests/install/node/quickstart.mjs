// The Node quickstart as an ES-module user writes it (named imports from the package's `import`
// entry), run by `cargo xtask install-test` next to quickstart.cjs.

import { startSandbox, NotFoundError } from 'npay-order';

const sandbox = await startSandbox({ seed: 43 });
const client = sandbox.client();
try {
  const since = new Date(Date.now() - 60 * 60 * 1000);
  await sandbox.createOrders({ count: 2, status: 'PAYED' });
  const ids = [];
  for await (const change of client.iterLastChangedStatuses({ lastChangedFrom: since, lastChangedType: 'PAYED' })) {
    ids.push(change.productOrderId);
  }
  const confirmed = await client.confirmProductOrders({ productOrderIds: ids });
  let notFound = false;
  try {
    await client.approveCancel('9999999999999999');
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    notFound = true;
  }
  if (ids.length !== 2 || (confirmed.successProductOrderInfos?.length ?? 0) !== 2 || !notFound) {
    throw new Error(`unexpected results: ${JSON.stringify({ ids, confirmed, notFound })}`);
  }
  console.log(`esm quickstart: confirmed ${confirmed.successProductOrderInfos?.length} product orders`);
} finally {
  client.close();
  await sandbox.close();
}
