'use strict';

// The shared error tree: exported Error subclasses with status, code, traceId, invalidInputs,
// thrown for what the server (or the network) really did.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { npay, useSandbox, hoursFromNow, needsOwnSandbox } = require('./helpers');

const TREE = {
  ApiError: 'NpayError',
  BadRequestError: 'ApiError',
  AuthenticationError: 'ApiError',
  PermissionDeniedError: 'ApiError',
  NotFoundError: 'ApiError',
  RateLimitError: 'ApiError',
  ServerError: 'ApiError',
  ApiConnectionError: 'NpayError',
  ApiTimeoutError: 'ApiConnectionError',
  InvalidRequestError: 'NpayError',
};

describe('errors', () => {
  const sandbox = useSandbox({ before, after });
  beforeEach(async () => {
    await sandbox().reset();
  });

  it('exports the shared error tree as Error subclasses', () => {
    assert.ok(new npay.NpayError('x') instanceof Error);
    for (const [name, parent] of Object.entries(TREE)) {
      const error = new npay[name]('x');
      assert.ok(error instanceof npay[parent], `${name} extends ${parent}`);
      assert.equal(error.name, name);
      assert.deepEqual(error.invalidInputs, []);
    }
  });

  it('a 404 is a NotFoundError with status, code, trace id and timestamp', async () => {
    const client = sandbox().client();
    await assert.rejects(client.listProductOrderIds('9999999999999999'), (error) => {
      assert.ok(error instanceof npay.NotFoundError && error instanceof npay.ApiError);
      assert.equal(error.status, 404);
      assert.equal(error.code, '100003');
      assert.equal(typeof error.traceId, 'string');
      assert.match(error.timestamp, /\+09:00$/);
      assert.match(error.message, /listProductOrderIds/);
      assert.match(error.stack, /errors\.test\.js/, 'the stack leads back to the caller');
      return true;
    });
    client.close();
  });

  it('wrong credentials are an AuthenticationError', async () => {
    const client = new npay.Client({ clientId: sandbox().clientId, clientSecret: '$2a$04$wrongwrongwrongwrongwr', baseUrl: sandbox().baseUrl });
    await assert.rejects(client.queryProductOrders({ productOrderIds: ['1'] }), (error) => {
      assert.ok(error instanceof npay.AuthenticationError, `${error.name}: ${error.message}`);
      assert.equal(error.status, 401);
      return true;
    });
    client.close();
  });

  it('a 5xx is a ServerError; a 429 a RateLimitError', async () => {
    const client = sandbox().client({ maxRetries: 0 });
    await client.queryProductOrders({ productOrderIds: ['1'] }); // token first
    try {
      await sandbox().setFaults({ serverErrorRate: 1, seed: 1 });
      await assert.rejects(client.queryProductOrders({ productOrderIds: ['1'] }), (error) => {
        assert.ok(error instanceof npay.ServerError, `${error.name}: ${error.message}`);
        assert.ok(error.status >= 500 && error.status <= 599);
        assert.match(error.code, /^GW\./);
        return true;
      });
      await sandbox().setFaults({ rateLimitRate: 1, seed: 1 });
      await assert.rejects(client.queryProductOrders({ productOrderIds: ['1'] }), (error) => {
        assert.ok(error instanceof npay.RateLimitError, `${error.name}: ${error.message}`);
        assert.equal(error.status, 429);
        return true;
      });
    } finally {
      await sandbox().setFaults({});
      client.close();
    }
  });

  it('reads are retried through passing server faults', async () => {
    const client = sandbox().client({ maxRetries: 5 });
    await sandbox().setFaults({ serverErrorRate: 0.5, seed: 4 });
    try {
      for (let i = 0; i < 10; i++) await client.listLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1) });
    } finally {
      await sandbox().setFaults({});
      client.close();
    }
  });

  it('no answer in time is an ApiTimeoutError (an ApiConnectionError)', async () => {
    const client = sandbox().client({ timeoutMs: 100, maxRetries: 0 });
    await client.queryProductOrders({ productOrderIds: ['1'] }); // token first
    await sandbox().setFaults({ latencyMs: 1000 });
    try {
      await assert.rejects(client.queryProductOrders({ productOrderIds: ['1'] }), (error) => {
        assert.ok(error instanceof npay.ApiTimeoutError, `${error.name}: ${error.message}`);
        assert.ok(error instanceof npay.ApiConnectionError);
        assert.equal(error.status, null);
        return true;
      });
    } finally {
      await sandbox().setFaults({});
      client.close();
    }
  });

  it('no server at all is an ApiConnectionError', { skip: needsOwnSandbox("a stopped sandbox's port") }, async () => {
    const gone = await npay.startSandbox();
    const client = gone.client({ maxRetries: 0 });
    await gone.close();
    await assert.rejects(client.queryProductOrders({ productOrderIds: ['1'] }), (error) => {
      assert.ok(error instanceof npay.ApiConnectionError, `${error.name}: ${error.message}`);
      assert.ok(!(error instanceof npay.ApiTimeoutError));
      return true;
    });
    client.close();
  });

  it('a failed mutation whose answer was lost says it may have been applied', async () => {
    const client = sandbox().client({ maxRetries: 0 });
    const { productOrderIds } = await sandbox().createOrders({ count: 1 });
    await client.queryProductOrders({ productOrderIds }); // token first
    await sandbox().setFaults({ serverErrorRate: 1, seed: 2 });
    const outcomes = [];
    try {
      for (let i = 0; i < 6; i++) {
        await client.confirmProductOrders({ productOrderIds }).then(
          () => outcomes.push('ok'),
          (error) => outcomes.push(`${error.code}:${error.mayHaveBeenApplied}`),
        );
      }
    } finally {
      await sandbox().setFaults({});
      client.close();
    }
    assert.equal(outcomes.length, 6);
    assert.ok(!outcomes.includes('ok'), 'every attempt hit a fault');
    for (const outcome of outcomes) {
      const [code, applied] = outcome.split(':');
      assert.equal(applied, String(!code.startsWith('GW.BLOCK')), outcome);
    }
  });
});
