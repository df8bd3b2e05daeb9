'use strict';

// The README's quickstart (examples/quickstart.ts) compiles under `strict` and runs to the end
// against the embedded sandbox.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { needsOwnSandbox } = require('./helpers');

const PACKAGE = path.join(__dirname, '..');
// Inside the package, so that the compiled example finds `npay-order` by self-reference.
const OUT = path.join(PACKAGE, '.example-build');

describe('the TypeScript quickstart', () => {
  after(() => fs.rmSync(OUT, { recursive: true, force: true }));

  // The example starts and stops an embedded sandbox of its own, as the README shows.
  const skip = needsOwnSandbox('the README example starts and stops its own');
  it('compiles with tsc --strict and runs: pull, confirm, dispatch, errors', { skip }, () => {
    const tsc = path.join(PACKAGE, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', OUT, '--rootDir', PACKAGE], { cwd: PACKAGE, stdio: 'pipe' });
    const env = { ...process.env };
    delete env.NPAY_CLIENT_ID;
    delete env.NPAY_CLIENT_SECRET;
    const out = execFileSync(process.execPath, [path.join(OUT, 'examples', 'quickstart.js')], { cwd: PACKAGE, env, encoding: 'utf8' });
    assert.match(out, /^3 paid product orders$/m);
    assert.match(out, /^dispatched 3 \(trace id \S+\)$/m);
    assert.match(out, /^no such product order \(100001, trace id \S+\)$/m);
  });
});
