'use strict';

// Runs every file of tests/scenarios/ (the cross-language scenarios; format in tests/README.md)
// through the public Node API: path parameters positional, the rest as one camelCase object.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { npay, useSandbox } = require('./helpers');

const SCENARIOS = path.join(__dirname, '..', '..', '..', 'tests', 'scenarios');
const files = fs.readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).sort();

const TOKEN = /\$(now(?:[+-]\d+[hms])?|[A-Za-z_]\w*(?:\[\d+\])?)/g;

/** `$now`, `$now-1h`, `$var`, `$var[0]` → a value. `$now` becomes a `Date` (sent as `+09:00`). */
function lookup(token, vars) {
  const now = /^now(?:([+-])(\d+)([hms]))?$/.exec(token);
  if (now) {
    const [, sign, amount, unit] = now;
    const ms = sign ? Number(amount) * { h: 3_600_000, m: 60_000, s: 1000 }[unit] * (sign === '-' ? -1 : 1) : 0;
    return new Date(Date.now() + ms);
  }
  const variable = /^(\w+)(?:\[(\d+)\])?$/.exec(token);
  assert.ok(variable && Object.hasOwn(vars, variable[1]), `unknown scenario variable $${token}`);
  const value = vars[variable[1]];
  return variable[2] === undefined ? value : value[Number(variable[2])];
}

/** Replaces variables: a whole-string `$x` by its value, embedded ones (in paths) by text. */
function resolve(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\$(\S+)$/.exec(value);
    if (whole) return lookup(whole[1], vars);
    return value.replace(TOKEN, (_, token) => String(lookup(token, vars)));
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, vars)]));
  }
  return value;
}

/** The matching rules of tests/README.md; `where` names the spot for failure messages. */
function match(actual, expected, where = 'data') {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: list length`);
    expected.forEach((e, i) => match(actual[i], e, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    if (Object.hasOwn(expected, '$len')) {
      assert.ok(Array.isArray(actual), `${where}: expected a list, got ${JSON.stringify(actual)}`);
      assert.equal(actual.length, expected.$len, `${where}: $len`);
    } else if (Object.hasOwn(expected, '$contains')) {
      assert.ok(Array.isArray(actual), `${where}: expected a list`);
      const found = actual.some((item) => {
        try {
          match(item, expected.$contains, where);
          return true;
        } catch {
          return false;
        }
      });
      assert.ok(found, `${where}: no element matches ${JSON.stringify(expected.$contains)}`);
    } else {
      assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`);
      for (const [key, value] of Object.entries(expected)) match(actual[key], value, `${where}.${key}`);
    }
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** `save: {var: field}`: the field (dotted path) of `answer` into a variable. */
function save(answer, spec, vars) {
  for (const [name, field] of Object.entries(spec ?? {})) {
    vars[name] = field.split('.').reduce((v, k) => (v == null ? v : v[k]), answer);
  }
}

/** Calls an operation the way a Node user does: path parameters first, then one options object. */
function call(client, operationId, params) {
  const info = npay.OPERATIONS[operationId];
  assert.ok(info, `the scenario names an operation the package does not have: ${operationId}`);
  const options = { ...params };
  const positional = info.pathParams.map((name) => {
    const value = options[name];
    delete options[name];
    return value;
  });
  return client[operationId](...positional, options);
}

describe('cross-language scenarios (tests/scenarios)', () => {
  const sandbox = useSandbox({ before, after });
  assert.ok(files.length > 0, `no scenario files in ${SCENARIOS}`);

  for (const file of files) {
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIOS, file), 'utf8'));
    it(`${file}: ${scenario.name}`, async () => {
      await sandbox().reset();
      const client = sandbox().client();
      const vars = {};
      try {
        for (const [index, raw] of scenario.steps.entries()) {
          const step = resolve(raw, vars);
          const where = `step ${index + 1}`;
          if (step.sandbox) {
            const [method, route] = step.sandbox.split(' ');
            const answer = await sandbox().control(method, route, step.body);
            if (step.expect) match(answer, step.expect, `${where} (${step.sandbox})`);
            save(answer, step.save, vars);
          } else if (step.iterate) {
            const items = [];
            for await (const item of client[step.iterate](step.params)) items.push(item);
            if (step.expect) match(items, step.expect, `${where} (${step.iterate})`);
            save(items, step.save, vars);
          } else if (step.call && step.expectError) {
            const expected = step.expectError;
            await assert.rejects(call(client, step.call, step.params), (error) => {
              assert.ok(npay[expected.type], `unknown error type ${expected.type}`);
              assert.ok(error instanceof npay[expected.type], `${where}: ${error.name} is not a ${expected.type}: ${error.message}`);
              assert.equal(error.name, expected.type);
              if (expected.code !== undefined) assert.equal(error.code, expected.code, `${where}: code`);
              if (expected.status !== undefined) assert.equal(error.status, expected.status, `${where}: status`);
              return true;
            });
          } else if (step.call) {
            const data = await call(client, step.call, step.params);
            if (step.expect) match(data, step.expect, `${where} (${step.call})`);
            save(data, step.save, vars);
          } else {
            assert.fail(`${where}: unknown step ${JSON.stringify(raw)}`);
          }
        }
      } finally {
        client.close();
      }
    });
  }
});
