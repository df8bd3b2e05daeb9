// Type-checks temporal.d.ts as a strict user project would (compiled, never run).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { WatchAdmin, activitiesPerSecond, createWorkers, type TemporalEvent } from 'npay-order/temporal';

export async function typed(): Promise<void> {
  const connection = await NativeConnection.connect({ address: '127.0.0.1:7233' });
  const workers = await createWorkers({
    connection,
    taskQueue: 'orders',
    resolve: async (account: string) => ({ clientSecret: `secret of ${account}` }),
    handlers: { async handleOrderEvent(event: TemporalEvent): Promise<void> { void event.id; } },
    readActivitiesPerSecond: activitiesPerSecond(20),
  });
  await Promise.all(workers.map((w) => w.run()));
  const admin = new WatchAdmin(new Client({ connection: await Connection.connect() }), { taskQueue: 'orders' });
  await admin.start('my-client-id', { since: new Date(), handlerActivity: 'handleOrderEvent', idsOnly: true });
  const cursor = await admin.cursor('my-client-id');
  if (cursor !== null) void cursor.watermark;
  await admin.reset('my-client-id', { to: Date.now() });
}
