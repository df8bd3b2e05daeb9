'use strict';

// The watcher's signed webhooks verify with the Standard Webhooks library of npm
// (`standardwebhooks`), written by others: `npay-order watch --forward-to` delivers each change of
// the sandbox to a receiver here, which accepts only what `new Webhook(secret).verify` accepts.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { Webhook, WebhookVerificationError } = require('standardwebhooks');
const { useSandbox, needsOwnSandbox } = require('./helpers');

/** The `npay-order` binary the Rust build made (the test command builds it before this runs). */
function cli() {
  for (const profile of ['debug', 'release']) {
    const file = path.join(__dirname, '..', '..', '..', 'target', profile, 'npay-order');
    if (fs.existsSync(file)) return file;
  }
  throw new Error('no npay-order binary under target/: build it first (cargo build -p npay-order-cli)');
}

describe('signed webhooks', { skip: needsOwnSandbox('the watcher needs the sandbox’s own clock and data') }, () => {
  const sandbox = useSandbox({ before, after });

  it('deliver every change as a webhook the npm verifier accepts', async () => {
    const { productOrderIds } = await sandbox().createOrders({ count: 3 });
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const verifier = new Webhook(secret);
    const verified = [];
    let refused = 0;
    const receiver = http.createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          verified.push({ headers: request.headers, payload: verifier.verify(body, request.headers), body });
          response.writeHead(204).end();
        } catch (error) {
          if (!(error instanceof WebhookVerificationError)) throw error;
          refused += 1;
          response.writeHead(400).end();
        }
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    const store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'npay-hooks-')), 'watch.sqlite');
    const watcher = spawn(
      cli(),
      ['watch', '--base-url', sandbox().baseUrl, '--store', store, '--since', '10m', '--settle-lag', '200ms',
        '--poll-interval', '100ms', '--forward-to', url],
      {
        env: { ...process.env, NPAY_CLIENT_ID: sandbox().clientId, NPAY_CLIENT_SECRET: sandbox().clientSecret,
          NPAY_WEBHOOK_SECRET: secret },
        stdio: 'ignore',
      },
    );
    try {
      const deadline = Date.now() + 30_000;
      while (verified.length < productOrderIds.length && Date.now() < deadline && watcher.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      watcher.kill('SIGTERM');
      await new Promise((resolve) => (watcher.exitCode !== null ? resolve() : watcher.once('exit', resolve)));
      await new Promise((resolve) => receiver.close(resolve));
    }
    assert.equal(refused, 0, 'every delivery verifies');
    assert.ok(verified.length >= productOrderIds.length, `${verified.length} of ${productOrderIds.length} delivered`);
    for (const { headers, payload } of verified) {
      assert.equal(payload.id, headers['webhook-id'], 'the event id is the webhook id');
      assert.match(headers['webhook-signature'], /^v1,/);
    }
    assert.deepEqual(new Set(verified.map(({ payload }) => payload.change.productOrderId)), new Set(productOrderIds));
    // A tampered body does not verify (the check above can fail).
    const { headers, body } = verified[0];
    assert.throws(() => verifier.verify(body.replace('"id":"evt_', '"id":"evt_x'), headers), WebhookVerificationError);
  });
});
