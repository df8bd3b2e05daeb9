// The Node quickstart (README.md): pull the paid orders, confirm them, dispatch them, and handle
// errors. With NPAY_CLIENT_ID / NPAY_CLIENT_SECRET set it talks to Naver; without, it starts the
// local emulator and creates a few orders to work on.

import {
  ApiError,
  Client,
  InvalidRequestError,
  NotFoundError,
  startSandbox,
  type DispatchProductOrder,
  type LastChangedStatus,
} from 'npay-order';

async function main(): Promise<void> {
  const sandbox = process.env.NPAY_CLIENT_ID ? null : await startSandbox({ seed: 42 });
  if (sandbox) await sandbox.createOrders({ count: 3, status: 'PAYED' });
  // Credentials from the environment (NPAY_CLIENT_ID / NPAY_CLIENT_SECRET), or the sandbox's.
  const client: Client = sandbox ? sandbox.client() : new Client({ environment: 'production' });

  try {
    // 1. Pull changes: every product order paid in the last hour, across pages and 24 h windows.
    const paid: LastChangedStatus[] = [];
    for await (const change of client.iterLastChangedStatuses({
      lastChangedFrom: new Date(Date.now() - 60 * 60 * 1000),
      lastChangedType: 'PAYED',
    })) {
      paid.push(change);
    }
    const ids = paid.map((change) => change.productOrderId);
    console.log(`${ids.length} paid product orders`);
    if (ids.length === 0) return;

    // 2. Confirm them (발주 확인). Lists over 30 are split and merged for you; per-item failures
    //    are results, not exceptions.
    const confirmed = await client.confirmProductOrders({ productOrderIds: ids });
    for (const failure of confirmed.failProductOrderInfos ?? []) {
      console.warn(`${failure.productOrderId} not confirmed: ${failure.code} ${failure.message ?? ''}`);
    }

    // 3. Dispatch them (발송 처리), reading the trace id through the raw-response accessor.
    const entries: DispatchProductOrder[] = ids.map((productOrderId, i) => ({
      productOrderId,
      deliveryMethod: 'DELIVERY',
      deliveryCompanyCode: 'CJGLS',
      trackingNumber: `64001234${String(i).padStart(4, '0')}`,
      dispatchDate: new Date(),
    }));
    const { data: dispatched, traceId } = await client.withRawResponse.dispatchProductOrders({
      dispatchProductOrders: entries,
    });
    console.log(`dispatched ${dispatched.successProductOrderIds?.length ?? 0} (trace id ${traceId})`);

    // 4. Errors are classes: check what you can act on.
    try {
      await client.approveCancel('9999999999999999');
    } catch (error) {
      if (error instanceof NotFoundError) {
        console.log(`no such product order (${error.code}, trace id ${error.traceId})`);
      } else if (error instanceof InvalidRequestError) {
        console.log('fix the input:', error.invalidInputs);
      } else if (error instanceof ApiError) {
        console.log(`HTTP ${error.status} ${error.code}: ${error.message}`);
      } else {
        throw error;
      }
    }
  } finally {
    client.close();
    await sandbox?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
