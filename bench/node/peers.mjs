// Node side of `cargo xtask bench`: the same workloads through npay-order and its peers.
// Prints one JSON object per peer (requests per second; see bench/python/peers.py for the
// workloads). Every peer signs with bcrypt and reuses its token. Usage: peers.mjs BASE DATA NPAY_DIR
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import bcrypt from 'bcryptjs';
import { Agent, request } from 'undici';
import createClient from 'openapi-fetch';

const CLIENT_ID = 'sandbox-client-id';
const CLIENT_SECRET = '$2a$04$sandboxsecretsandboxse';
const N = { a_seq: 2000, b_seq: 200, c_seq: 500, a_64: 20000, b_64: 400, c_64: 1000 };
const [base, dataPath, npayDir] = process.argv.slice(2);
const data = JSON.parse(readFileSync(dataPath, 'utf8'));
const LCS = '/v1/pay-order/mall/product-orders/last-changed-statuses';
const QUERY = '/v1/pay-order/mall/product-orders/query';
const CONFIRM = '/v1/pay-order/mall/product-orders/confirm';

async function token() {
  const timestamp = Date.now();
  const hashed = bcrypt.hashSync(`${CLIENT_ID}_${timestamp}`, CLIENT_SECRET);
  const form = new URLSearchParams({
    client_id: CLIENT_ID, timestamp: String(timestamp), grant_type: 'client_credentials',
    client_secret_sign: Buffer.from(hashed).toString('base64'), type: 'SELF',
  });
  const response = await fetch(`${base}/v1/oauth2/token`, { method: 'POST', body: form });
  return (await response.json()).access_token;
}

function check(items, expected) {
  if (items.length !== expected) throw new Error(`expected ${expected} items, got ${items.length}`);
}

async function rate(count, inFlight, call) {
  let next = 0;
  const started = performance.now();
  const worker = async () => { while (next++ < count) await call(); };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function measure({ a, b, c }) {
  await rate(200, 8, a);
  return {
    a_seq: await rate(N.a_seq, 1, a), b_seq: await rate(N.b_seq, 1, b), c_seq: await rate(N.c_seq, 1, c),
    a_64: await rate(N.a_64, 64, a), b_64: await rate(N.b_64, 64, b), c_64: await rate(N.c_64, 64, c),
  };
}

const query = new URLSearchParams({ lastChangedFrom: data.from, limitCount: '10' });
const jsonHeaders = (bearer) => ({ authorization: `Bearer ${bearer}`, 'content-type': 'application/json' });

function fetchPeer(bearer) {
  const headers = jsonHeaders(bearer);
  return {
    a: async () => check((await (await fetch(`${base}${LCS}?${query}`, { headers })).json()).data.lastChangeStatuses, 10),
    b: async () => check((await (await fetch(`${base}${QUERY}`, { method: 'POST', headers, body: JSON.stringify({ productOrderIds: data.queryIds }) })).json()).data, 300),
    c: async () => (await fetch(`${base}${CONFIRM}`, { method: 'POST', headers, body: JSON.stringify({ productOrderIds: data.confirmIds }) })).json(),
  };
}

function undiciPeer(bearer) {
  const headers = jsonHeaders(bearer);
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 64 });
  return {
    a: async () => check((await (await request(`${base}${LCS}?${query}`, { headers, dispatcher })).body.json()).data.lastChangeStatuses, 10),
    b: async () => check((await (await request(`${base}${QUERY}`, { method: 'POST', headers, dispatcher, body: JSON.stringify({ productOrderIds: data.queryIds }) })).body.json()).data, 300),
    c: async () => (await request(`${base}${CONFIRM}`, { method: 'POST', headers, dispatcher, body: JSON.stringify({ productOrderIds: data.confirmIds }) })).body.json(),
  };
}

function openapiFetchPeer(bearer) {
  const client = createClient({ baseUrl: base, headers: { authorization: `Bearer ${bearer}` } });
  return {
    a: async () => check((await client.GET(LCS, { params: { query: { lastChangedFrom: data.from, limitCount: 10 } } })).data.data.lastChangeStatuses, 10),
    b: async () => check((await client.POST(QUERY, { body: { productOrderIds: data.queryIds } })).data.data, 300),
    c: async () => (await client.POST(CONFIRM, { body: { productOrderIds: data.confirmIds } })).data,
  };
}

function npayPeer() {
  const require = createRequire(import.meta.url);
  const { Client } = require(npayDir);
  const client = new Client({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: base });
  return {
    a: async () => check((await client.listLastChangedStatuses({ lastChangedFrom: data.from, limitCount: 10 })).lastChangeStatuses, 10),
    b: async () => check(await client.queryProductOrders({ productOrderIds: data.queryIds }), 300),
    c: async () => client.confirmProductOrders({ productOrderIds: data.confirmIds }),
  };
}

const bearer = await token();
const peers = [
  ['node npay-order', () => npayPeer()],
  ['node fetch', () => fetchPeer(bearer)],
  ['node undici.request', () => undiciPeer(bearer)],
  ['node openapi-fetch', () => openapiFetchPeer(bearer)],
];
for (const [name, make] of peers) {
  let result;
  try {
    result = await measure(make());
  } catch (error) {
    result = { error: String(error).slice(0, 300) };
  }
  console.log(JSON.stringify({ peer: name, ...result }));
}
process.exit(0);
