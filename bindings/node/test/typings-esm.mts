// Compile-time test: an ES module (`.mts`, as in a `"type": "module"` project) gets the same
// declarations through the `import` condition of the exports map. Checked by tsc, never run.

import npay, { Client, InvalidRequestError, startSandbox, type ConfirmResult } from 'npay-order';

export async function esmTypings(): Promise<ConfirmResult> {
  const sandbox = await startSandbox();
  const client: Client = sandbox.client({ timeoutMs: 5000 });
  const viaDefault: typeof Client = npay.Client;
  void viaDefault;
  try {
    return await client.confirmProductOrders({ productOrderIds: ['1'] });
  } catch (error) {
    if (error instanceof InvalidRequestError) throw new Error(error.invalidInputs.map((i) => i.name).join());
    throw error;
  } finally {
    await sandbox.close();
  }
}
