'use strict';

// Every operation of the spec is callable from Node: a method of `Client` (camelCase operationId)
// and declared on the `Client` class of `index.d.ts`. Reads `openapi/npay-order.yaml` itself, so an
// operation added to the spec without regenerating the package fails here. `issueToken` is the
// core's own call, not part of the surface.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { npay } = require('./helpers');

const SPEC = path.join(__dirname, '..', '..', '..', 'openapi', 'npay-order.yaml');
const DECLARATIONS = path.join(__dirname, '..', 'index.d.ts');
const INTERNAL = new Set(['issueToken']);

/** The operationIds of the spec, read from its `operationId: x` lines. */
function publicOperationIds() {
  const text = fs.readFileSync(SPEC, 'utf8');
  const ids = [...text.matchAll(/^\s+operationId:\s*['"]?([A-Za-z0-9_]+)['"]?\s*$/gm)].map((m) => m[1]);
  return ids.filter((id) => !INTERNAL.has(id));
}

/** The method names declared on `class Client` of `index.d.ts`, read by the TypeScript parser. */
function declaredClientMethods() {
  const source = ts.createSourceFile(DECLARATIONS, fs.readFileSync(DECLARATIONS, 'utf8'), ts.ScriptTarget.Latest, true);
  const client = source.statements.find((s) => ts.isClassDeclaration(s) && s.name && s.name.text === 'Client');
  assert.ok(client, 'index.d.ts declares class Client');
  return new Set(client.members.filter(ts.isMethodDeclaration).map((m) => m.name.getText(source)));
}

describe('the surface of the spec', () => {
  it('finds the spec and its operations', () => {
    const ids = publicOperationIds();
    assert.ok(ids.length >= 20, `${SPEC}: only ${ids}`);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('has every operation as a method of Client', () => {
    const missing = publicOperationIds().filter((id) => typeof npay.Client.prototype[id] !== 'function');
    assert.deepEqual(missing, [], `Client.prototype lacks ${missing}`);
  });

  it('declares every operation on Client in index.d.ts', () => {
    const declared = declaredClientMethods();
    const missing = publicOperationIds().filter((id) => !declared.has(id));
    assert.deepEqual(missing, [], `index.d.ts does not declare Client.${missing}`);
  });
});
