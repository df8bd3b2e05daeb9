'use strict';
// A worker process of the Temporal chaos test (`temporal.test.js` starts and kills it):
// `node temporal-worker.js <temporal address> <config.json>`. The resolver reads the credentials
// file (a stand-in for a vault) in the worker; the handler appends one JSON line per event to the
// sink file.

const fs = require('node:fs');
const { NativeConnection } = require('@temporalio/worker');
const { createWorkers } = require('../lib/temporal/index.js');

async function main([address, configPath]) {
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const resolve = async (account) => {
    const vault = JSON.parse(fs.readFileSync(config.credentials, 'utf8'));
    return { clientSecret: vault[account], baseUrl: config.baseUrl };
  };
  const handlers = {
    async recordEvent(event) {
      fs.appendFileSync(config.sink, `${JSON.stringify({ ...event, pid: process.pid })}\n`);
    },
  };
  const { DefaultLogger, Runtime } = require('@temporalio/worker');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address });
  const workers = await createWorkers({
    connection, taskQueue: config.taskQueue, readTaskQueue: config.readTaskQueue,
    readActivitiesPerSecond: config.readActivitiesPerSecond, resolve, handlers,
    workflowBundle: { codePath: config.bundle },
  });
  process.stdout.write('ready\n');
  await Promise.all(workers.map((w) => w.run()));
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${e && e.stack}\n`);
  process.exit(1);
});
