'use strict';

// `connectSandbox(baseUrl, options?)`: the sandbox helpers attached to a sandbox that runs
// elsewhere (here the suite's own sandbox, embedded or external), which `close()` leaves running.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { npay, useSandbox, sandboxUrl } = require('./helpers');

/** Attaches to the suite's sandbox the way it is reached: its API URL and credentials. */
function attach(target) {
  return npay.connectSandbox(sandboxUrl(target), {
    apiUrl: target.baseUrl,
    clientId: target.clientId,
    clientSecret: target.clientSecret,
  });
}

/** A loopback HTTP server answering with `handler`; resolves to its origin and a `close()`. */
async function serve(handler) {
  const server = http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('connectSandbox', () => {
  const sandbox = useSandbox({ before, after });

  it('attaches to a running sandbox: its credentials, seed and control API', async () => {
    const target = sandbox();
    await target.reset();
    const attached = await attach(target);
    assert.equal(attached.baseUrl, target.baseUrl);
    assert.equal(attached.controlUrl, target.controlUrl);
    assert.equal(attached.clientId, target.clientId);
    assert.equal(attached.clientSecret, target.clientSecret);
    assert.equal(attached.seed, target.seed, 'the seed the sandbox reports');
    const { productOrderIds } = await attached.createOrders({ count: 2 });
    const client = attached.client();
    try {
      assert.equal(client.baseUrl, target.baseUrl);
      const result = await client.confirmProductOrders({ productOrderIds });
      assert.equal(result.successProductOrderInfos.length, 2);
    } finally {
      client.close();
    }
    const stats = await target.stats();
    assert.equal(stats.mutationsApplied.confirmProductOrders, 2, 'the same sandbox counted them');
  });

  it('by default gives clients the sandbox itself, with the id it reports', async () => {
    const url = sandboxUrl(sandbox());
    const attached = await npay.connectSandbox(`${url}/`);
    assert.equal(attached.baseUrl, url, 'without the trailing slash');
    assert.equal(attached.controlUrl, `${url}/_sandbox`);
    assert.equal(attached.clientId, (await attached.control('GET', 'info')).clientId);
    const client = attached.client();
    assert.equal(client.baseUrl, url);
    client.close();
  });

  it('close() leaves the sandbox running, is idempotent, and the helpers keep working', async () => {
    const attached = await attach(sandbox());
    await attached.close();
    await attached.close();
    const before = await sandbox().stats();
    const client = attached.client();
    try {
      assert.deepEqual(await client.queryProductOrders({ productOrderIds: ['9999999999999999'] }), []);
    } finally {
      client.close();
    }
    const after = await attached.stats();
    assert.equal(after.requests.queryProductOrders, before.requests.queryProductOrders + 1);
  });

  it('rejects with an ApiConnectionError when nothing answers', async () => {
    const free = net.createServer();
    await new Promise((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address();
    await new Promise((resolve) => free.close(resolve));
    await assert.rejects(npay.connectSandbox(`http://127.0.0.1:${port}/npay/partner`), (error) => {
      assert.ok(error instanceof npay.ApiConnectionError, `${error.name}: ${error.message}`);
      assert.ok(!(error instanceof npay.ApiTimeoutError));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    });
  });

  it('rejects a server that is not a sandbox', async () => {
    const server = await serve((request, response) => {
      request.resume();
      if (request.url === '/missing/_sandbox/info') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"code":"GW.NOT_FOUND","message":"not found"}');
      } else {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>hello</html>');
      }
    });
    try {
      await assert.rejects(npay.connectSandbox(`${server.origin}/missing`), (error) => {
        assert.ok(error instanceof npay.NpayError, `${error.name}: ${error.message}`);
        assert.equal(error.status, 404);
        assert.match(error.message, /not an npay-sandbox/);
        return true;
      });
      await assert.rejects(npay.connectSandbox(`${server.origin}/web`), (error) => {
        assert.ok(error instanceof npay.NpayError, `${error.name}: ${error.message}`);
        assert.match(error.message, /did not answer like an npay-sandbox/);
        return true;
      });
    } finally {
      await server.close();
    }
  });
});
