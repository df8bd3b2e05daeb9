/**
 * A client of the Naver Pay order API.
 *
 * ```ts
 * import { Client } from 'npay-order';
 * const client = new Client({ clientId: 'my-app-id', clientSecret: process.env.NPAY_SECRET });
 * const result = await client.confirmProductOrders({ productOrderIds: ['2026112514566031'] });
 * ```
 *
 * Authentication is automatic (signature, one cached token per client). Reads are retried on
 * passing failures; mutations only when provably not processed. Calls run on the native runtime
 * and never block the event loop; any number may run at once.
 */
