// Compile-time tests of index.d.ts (checked by `tsc -p tsconfig.json`, never run): what a strict
// TypeScript project may and may not write. Each `@ts-expect-error` fails the check if the line
// it marks compiles.

import {
  Client,
  NpayError,
  NotFoundError,
  OPERATIONS,
  sign,
  startSandbox,
  connectSandbox,
  type ClaimResult,
  type StoredWatchEvent,
  type WatchEvent,
  type Watcher,
  type ConnectSandboxOptions,
  type KnownProductOrderStatus,
  type ProductOrderDetail,
  type ProductOrderStatus,
  type RawResponse,
  type Sandbox,
} from 'npay-order';

declare const client: Client;

export async function typings(): Promise<void> {
  // Results are typed plain objects.
  const details: ProductOrderDetail[] = await client.queryProductOrders({ productOrderIds: ['1'] });
  const status: ProductOrderStatus | undefined = details[0]?.productOrder.productOrderStatus;
  // Read-side enums stay open: an unknown value is a string, yet known ones still autocomplete.
  const unknownStatus: ProductOrderStatus = 'SOMETHING_NAVER_ADDS_LATER';
  const known: KnownProductOrderStatus = 'PAYED';
  void [status, unknownStatus, known];

  // Path parameters are positional; operations without named parameters take none.
  const claim: ClaimResult = await client.approveCancel('2026112514566031');
  void claim;
  // Dates: a Date or an ISO string.
  await client.listLastChangedStatuses({ lastChangedFrom: new Date() });
  await client.listLastChangedStatuses({ lastChangedFrom: '2026-11-27T09:00:00.000+09:00', limitCount: 10 });

  // The raw-response accessor keeps the data's type.
  const raw: RawResponse<string[]> = await client.withRawResponse.listProductOrderIds('2026112511111111');
  const traceId: string | null = raw.traceId;
  void traceId;

  // Iterators are async iterables of typed items.
  for await (const change of client.iterLastChangedStatuses({ lastChangedFrom: new Date() })) {
    const id: string = change.productOrderId;
    void id;
  }

  // Errors carry typed fields.
  try {
    await client.listProductOrderIds('1');
  } catch (error) {
    if (error instanceof NotFoundError) {
      const code: string = error.code;
      const httpStatus: number = error.status;
      void [code, httpStatus];
    } else if (error instanceof NpayError) {
      const maybeStatus: number | null = error.status;
      void maybeStatus;
    }
  }

  const sandbox: Sandbox = await startSandbox({ seed: 1n });
  const signature: string = sign(sandbox.clientId, sandbox.clientSecret, Date.now());
  const path: string = OPERATIONS.confirmProductOrders.path;
  void [signature, path];

  // A sandbox running elsewhere: the same helpers; options are all optional.
  const options: ConnectSandboxOptions = { apiUrl: 'http://127.0.0.1:4010', clientSecret: sandbox.clientSecret };
  const attached: Sandbox = await connectSandbox('http://127.0.0.1:41234/npay/partner', options);
  await connectSandbox(attached.baseUrl);
  await attached.reset();
  await attached.close();
  // @ts-expect-error the sandbox's URL is required
  await connectSandbox();
  // @ts-expect-error a sandbox started elsewhere takes no seed
  await connectSandbox('http://127.0.0.1:41234/npay/partner', { seed: 1 });

  // @ts-expect-error requests accept only the values this version knows
  await client.requestCancel('1', { cancelReason: 'NOT_A_REASON' });
  // @ts-expect-error a required option is missing
  await client.confirmProductOrders({});
  // @ts-expect-error options use the API's camelCase names
  await client.confirmProductOrders({ product_order_ids: ['1'] });
  // @ts-expect-error the path parameter is positional
  await client.approveCancel({ productOrderId: '1' });
  // @ts-expect-error numbers are not date-times
  await client.listLastChangedStatuses({ lastChangedFrom: 1700000000000 });
  // @ts-expect-error the token call is internal
  await client.issueToken();
  // @ts-expect-error the secret cannot be read back from a client
  void client.clientSecret;
  // @ts-expect-error unknown client option
  new Client({ clientSecretKey: 'x' });

  // The watcher: run(handler), for await with ack, typed events.
  const watcher: Watcher = client.watch({ store: 'orders.sqlite', since: 3_600_000, events: ['PAYED'] });
  await watcher.run(async (event: WatchEvent) => {
    const name: string | undefined = event.detail?.productOrder.productName;
    const when: string = event.lastChangedDate;
    void [name, when, event.change.productOrderId, event.attempt];
  });
  for await (const event of watcher) {
    const taken: boolean = await event.ack();
    void taken;
  }
  const parked: StoredWatchEvent[] = watcher.events({ status: 'failed', limit: 10 });
  void parked;
  // @ts-expect-error the store is required
  client.watch({ since: new Date() });
  // @ts-expect-error durations are milliseconds, not strings
  client.watch({ store: 'x', overlapMs: '5m' });
  // @ts-expect-error statuses are pending, done or failed
  watcher.events({ status: 'parked' });
}
