'use strict';

// The client secret, the signature and the token never show: not in util.inspect / console.log
// of a client, not in errors (message, stack, inspect), not in anything the process prints.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { inspect } = require('node:util');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { npay, useSandbox, external } = require('./helpers');

// The secret the embedded sandbox is started with. An external sandbox (NPAY_TEST_SANDBOX_URL)
// has its own: the tests check whichever secret is in use (`secret()`).
const SECRET = '$2a$04$topsecretTOPSECRETtops';

/** Every way a value might be shown. */
function renderings(value) {
  return [
    inspect(value),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    String(value),
    JSON.stringify(value) ?? '',
    value instanceof Error ? `${value.message}\n${value.stack}\n${JSON.stringify(value.invalidInputs)}` : '',
  ];
}

function assertHidden(value, secrets, what) {
  for (const text of renderings(value)) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${what} shows a secret: ${text}`);
  }
}

describe('secrets stay hidden', () => {
  const sandbox = useSandbox({ before, after }, { seed: 5, clientSecret: SECRET });
  /** The secret in use, and its salt without the `$2a$04$` prefix. */
  const secret = () => sandbox().clientSecret;
  const saltBody = () => secret().slice('$2a$04$'.length);

  it('uses the secret it was given', { skip: external && 'the external sandbox has its own secret' }, () => {
    assert.equal(secret(), SECRET);
  });

  it('util.inspect and console.log of a client show no secret', () => {
    const client = sandbox().client();
    assertHidden(client, [secret(), saltBody()], 'a client');
    assert.ok(inspect(client).includes(`clientId: '${sandbox().clientId}'`), inspect(client));
    assert.equal(Object.keys(client).length, 0, 'no own enumerable state to leak');
    client.close();
  });

  it('util.inspect of a sandbox shows no secret', () => {
    assertHidden(sandbox(), [secret(), saltBody()], 'a sandbox');
  });

  it('the signature and secret are absent from an authentication error', async () => {
    // A well-formed secret the server does not know: the signature is computed and refused.
    const wrong = '$2a$04$anothersecretANOTHERse';
    const client = new npay.Client({ clientId: sandbox().clientId, clientSecret: wrong, baseUrl: sandbox().baseUrl });
    const signature = npay.sign(sandbox().clientId, wrong, Date.now());
    // base64 of "$2a$04$<salt>": the part of every signature that depends only on the secret.
    const signaturePrefix = signature.slice(0, 36);
    const error = await client.queryProductOrders({ productOrderIds: ['1'] }).catch((e) => e);
    assert.ok(error instanceof npay.AuthenticationError, `${error.name}: ${error.message}`);
    assertHidden(error, [wrong, 'anothersecret', signaturePrefix], 'an authentication error');
    client.close();
  });

  it('a malformed secret is not echoed by the error refusing it', () => {
    const plain = 'hunter2-my-password';
    const error = (() => {
      try {
        new npay.Client({ clientId: 'app', clientSecret: plain });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof npay.InvalidRequestError);
    assertHidden(error, [plain, 'hunter2'], 'a construction error');
    const typeError = (() => {
      try {
        new npay.Client({ clientId: 'app', clientSecret: { value: plain } });
      } catch (e) {
        return e;
      }
    })();
    assertHidden(typeError, [plain], 'a type error about the secret');
    const signError = (() => {
      try {
        npay.sign('app', plain, 1);
      } catch (e) {
        return e;
      }
    })();
    assertHidden(signError, [plain], 'a sign error');
  });

  it('a whole session with verbose logging asked for prints no secret', () => {
    const script = `
      const npay = require(${JSON.stringify(path.join(__dirname, '..'))});
      const { openSandbox } = require(${JSON.stringify(path.join(__dirname, 'helpers.js'))});
      (async () => {
        const sandbox = await openSandbox({ clientSecret: ${JSON.stringify(SECRET)} });
        const client = sandbox.client();
        console.log(client);
        const { productOrderIds } = await sandbox.createOrders({ count: 2 });
        console.log(await client.confirmProductOrders({ productOrderIds }));
        console.log(await client.withRawResponse.queryProductOrders({ productOrderIds }));
        const bad = new npay.Client({ clientId: sandbox.clientId, clientSecret: '$2a$04$anothersecretANOTHERse', baseUrl: sandbox.baseUrl });
        await bad.queryProductOrders({ productOrderIds }).catch((e) => console.error(e));
        await client.approveCancel('9999999999999999').catch((e) => console.error(e));
        await sandbox.close();
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const run = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, RUST_LOG: 'trace', NPAY_LOG: 'debug', NODE_DEBUG: 'http,net' },
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const printed = run.stdout + run.stderr;
    assert.match(printed, /AuthenticationError/, 'the session ran to the failing call');
    for (const hidden of [secret(), saltBody(), '$2a$04$anothersecretANOTHERse', 'anothersecret']) {
      assert.ok(!printed.includes(hidden), `the output shows ${hidden}`);
    }
    assert.ok(!/Bearer\s+\S+/i.test(printed), 'no bearer token in the output');
  });
});
