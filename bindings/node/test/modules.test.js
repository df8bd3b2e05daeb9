'use strict';

// The package loads with CommonJS `require` and ESM `import` (the same classes either way), and
// installs by name from `npm pack` output and from its folder, as a user's project gets it.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const PACKAGE = path.join(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * A user's script: a full call against the sandbox by the package's name, printing `ok <n>`. It
 * starts an embedded sandbox, or attaches to the suite's external one (NPAY_TEST_SANDBOX_URL).
 */
const USE = `
  const env = (name) => process.env[name] || undefined;
  const sandbox = env('NPAY_TEST_SANDBOX_URL')
    ? await connectSandbox(env('NPAY_TEST_SANDBOX_URL'), {
        apiUrl: env('NPAY_TEST_API_URL'),
        clientId: env('NPAY_TEST_CLIENT_ID'),
        clientSecret: env('NPAY_TEST_CLIENT_SECRET'),
      })
    : await startSandbox();
  const client = sandbox.client();
  const { productOrderIds } = await sandbox.createOrders({ count: 2 });
  const result = await client.confirmProductOrders({ productOrderIds });
  let notFound = false;
  await client.approveCancel('9999999999999999').catch((e) => { notFound = e instanceof NotFoundError && e instanceof NpayError; });
  await sandbox.close();
  if (!notFound) throw new Error('NotFoundError was not an instance of the exported class');
  console.log('ok', result.successProductOrderInfos.length);
`;
const ESM = `import { startSandbox, connectSandbox, NotFoundError, NpayError } from 'npay-order';\n${USE}`;
const CJS = `const { startSandbox, connectSandbox, NotFoundError, NpayError } = require('npay-order');\n(async () => {${USE}})().catch((e) => { console.error(e); process.exit(1); });`;

function npm(cwd, args) {
  return execFileSync(NPM, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A new project folder with the package installed from `spec`; runs both scripts in it. */
function installAndRun(spec) {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'npay-order-user-'));
  try {
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
    npm(project, ['install', '--offline', '--no-audit', '--no-fund', spec]);
    fs.writeFileSync(path.join(project, 'use.mjs'), ESM);
    fs.writeFileSync(path.join(project, 'use.cjs'), CJS);
    for (const script of ['use.mjs', 'use.cjs']) {
      const out = execFileSync(process.execPath, [script], { cwd: project, encoding: 'utf8' });
      assert.equal(out.trim(), 'ok 2', `${spec}: ${script}`);
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

describe('module formats and installation', () => {
  it('require and import give the same classes', async () => {
    const cjs = require('..');
    const esm = await import(path.join(PACKAGE, 'index.mjs'));
    assert.equal(esm.Client, cjs.Client);
    assert.equal(esm.NotFoundError, cjs.NotFoundError);
    assert.equal(esm.default, cjs);
    const names = Object.keys(cjs).sort();
    assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), names, 'index.mjs re-exports every name');
  });

  it('the exports map serves index.mjs to import and index.js to require', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', import: './index.mjs', require: './index.js' });
  });

  describe('installed in a new project', () => {
    let packDir;
    let tarball;
    before(() => {
      packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npay-order-pack-'));
      const out = npm(PACKAGE, ['pack', '--pack-destination', packDir, '--json']);
      tarball = path.join(packDir, JSON.parse(out)[0].filename);
    });
    after(() => fs.rmSync(packDir, { recursive: true, force: true }));

    it('npm pack ships the addon, the JS, the types and the README', () => {
      const listing = JSON.parse(npm(PACKAGE, ['pack', '--dry-run', '--json']))[0].files.map((f) => f.path);
      for (const file of ['index.js', 'index.mjs', 'index.d.ts', 'lib/base-client.js', 'generated/client.js', 'README.md']) {
        assert.ok(listing.includes(file), `${file} is packed: ${listing.join(', ')}`);
      }
      assert.ok(listing.some((f) => /^npay-order\..+\.node$/.test(f)), 'the native addon is packed');
      assert.ok(!listing.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests');
    });

    it('works with ESM and CommonJS after `npm install <tarball>`', () => {
      installAndRun(tarball);
    });

    it('works with ESM and CommonJS after `npm install <folder>`', () => {
      installAndRun(PACKAGE);
    });
  });
});
