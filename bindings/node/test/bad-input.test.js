'use strict';

// Bad input is an InvalidRequestError raised before anything is sent: no request, not even a
// token request, reaches the sandbox, and nothing crashes the process.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { npay, useSandbox, hoursFromNow, totalRequests, sandboxUrl } = require('./helpers');

const now = () => new Date();
const circular = () => {
  const options = { productOrderIds: ['1'] };
  options.self = options;
  return options;
};
const dispatch = (entry) => ({
  dispatchProductOrders: [{ productOrderId: '1', deliveryMethod: 'DELIVERY', deliveryCompanyCode: 'CJGLS', trackingNumber: '1', dispatchDate: now(), ...entry }],
});

/** [what is wrong, the call]. Every one must reject with InvalidRequestError. */
const CASES = [
  ['an empty id list', (c) => c.confirmProductOrders({ productOrderIds: [] })],
  ['a missing required option', (c) => c.confirmProductOrders({})],
  ['no options at all where one is required', (c) => c.confirmProductOrders()],
  ['a string where a list is expected', (c) => c.confirmProductOrders({ productOrderIds: '2026112514566031' })],
  ['numbers where strings are expected', (c) => c.confirmProductOrders({ productOrderIds: [1, 2] })],
  ['null for a required option', (c) => c.confirmProductOrders({ productOrderIds: null })],
  ['an unknown option (a typo)', (c) => c.confirmProductOrders({ productOrderIds: ['1'], productOrderID: ['2'] })],
  ['a snake_case key', (c) => c.queryProductOrders({ product_order_ids: ['1'] })],
  ['a string instead of the options object', (c) => c.confirmProductOrders('2026112514566031')],
  ['an array instead of the options object', (c) => c.confirmProductOrders(['2026112514566031'])],
  ['a Map instead of the options object', (c) => c.confirmProductOrders(new Map([['productOrderIds', ['1']]]))],
  ['a circular options object', (c) => c.queryProductOrders(circular())],
  ['text that is not a date-time', (c) => c.listLastChangedStatuses({ lastChangedFrom: 'yesterday' })],
  ['an invalid Date', (c) => c.listLastChangedStatuses({ lastChangedFrom: new Date('not a date') })],
  ['a Date before year 1', (c) => c.listLastChangedStatuses({ lastChangedFrom: new Date(-8.64e15) })],
  ['a Date after year 9999', (c) => c.listLastChangedStatuses({ lastChangedFrom: new Date(8.64e15) })],
  ['a page size above the maximum', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: 301 })],
  ['a page size of zero', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: 0 })],
  ['a fractional integer', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: 1.5 })],
  ['NaN', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: NaN })],
  ['Infinity', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: Infinity })],
  ['a BigInt', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: 10n })],
  ['a numeric string for a number', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), limitCount: '10' })],
  ['a function value', (c) => c.listLastChangedStatuses({ lastChangedFrom: () => now() })],
  ['a symbol value', (c) => c.listLastChangedStatuses({ lastChangedFrom: Symbol('now') })],
  ['a range that ends before it starts', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), lastChangedTo: hoursFromNow(-1) })],
  ['a range longer than 24 hours', (c) => c.listLastChangedStatuses({ lastChangedFrom: hoursFromNow(-1), lastChangedTo: hoursFromNow(24) })],
  ['an unknown enum value', (c) => c.listLastChangedStatuses({ lastChangedFrom: now(), lastChangedType: 'TELEPORTED' })],
  ['an enum value in the wrong case', (c) => c.requestCancel('1', { cancelReason: 'sold_out' })],
  ['a read-side reason where only write-side ones are allowed', (c) => c.requestCancel('1', { cancelReason: 'NOT_A_REASON' })],
  ['a missing path parameter', (c) => c.requestCancel(undefined, { cancelReason: 'SOLD_OUT' })],
  ['a number as the path parameter', (c) => c.requestCancel(2026112514566031, { cancelReason: 'SOLD_OUT' })],
  ['an empty path parameter', (c) => c.approveCancel('')],
  ['the path parameter repeated in the options', (c) => c.requestCancel('1', { productOrderId: '2', cancelReason: 'SOLD_OUT' })],
  ['a return collected by courier without a company', (c) => c.requestReturn('1', { returnReason: 'ETC', collectDeliveryMethod: 'DELIVERY' })],
  ['a courier dispatch without a tracking number', (c) => c.dispatchProductOrders(dispatch({ trackingNumber: undefined }))],
  ['an unknown delivery method in a nested entry', (c) => c.dispatchProductOrders(dispatch({ deliveryMethod: 'TELEPORT' }))],
  ['an invalid Date in a nested entry', (c) => c.dispatchProductOrders(dispatch({ dispatchDate: new Date(NaN) }))],
  ['an unknown key in a nested entry', (c) => c.dispatchProductOrders(dispatch({ trackingNo: '1' }))],
  ['an empty required text', (c) => c.rejectReturn('1', { rejectReturnReason: '' })],
  ['a page size of zero in a search', (c) => c.searchProductOrders({ from: hoursFromNow(-1), rangeType: 'PAYED_DATETIME', pageSize: 0 })],
  ['an unknown range type', (c) => c.searchProductOrders({ from: hoursFromNow(-1), rangeType: 'WHENEVER' })],
  ['a text where a boolean is expected', (c) => c.queryProductOrders({ productOrderIds: ['1'], quantityClaimCompatibility: 'yes' })],
  ['an unknown delay reason', (c) => c.delayDispatch('1', { dispatchDueDate: hoursFromNow(48), delayedDispatchReason: 'LAZY' })],
  ['a negative amount', (c) => c.holdbackExchange('1', { holdbackClassType: 'EXCHANGE_DELIVERYFEE', holdbackExchangeDetailReason: 'x', extraExchangeFeeAmount: -1 })],
  ['an iterator without its required start', async (c) => {
    for await (const item of c.iterLastChangedStatuses({})) assert.fail(`yielded ${JSON.stringify(item)}`);
  }],
  ['an iterator with an unknown filter', async (c) => {
    for await (const item of c.iterSearchProductOrders({ from: hoursFromNow(-1), rangeType: 'NOPE' })) assert.fail(`yielded ${JSON.stringify(item)}`);
  }],
  ['the raw-response accessor with bad input', (c) => c.withRawResponse.confirmProductOrders({ productOrderIds: [] })],
];

describe('bad input is refused before anything is sent', () => {
  const sandbox = useSandbox({ before, after });
  let client;
  before(async () => {
    await sandbox().reset();
    client = sandbox().client();
  });
  after(() => client.close());

  it(`has at least 30 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 30);
  });

  for (const [what, run] of CASES) {
    it(`rejects ${what} with InvalidRequestError`, async () => {
      await assert.rejects(
        async () => run(client),
        (error) => {
          assert.ok(error instanceof npay.InvalidRequestError, `${error && error.name}: ${error && error.message}`);
          assert.ok(error instanceof npay.NpayError);
          assert.equal(error.name, 'InvalidRequestError');
          assert.ok(error.invalidInputs.length > 0, 'names the invalid input');
          assert.equal(error.status, null);
          return true;
        },
      );
    });
  }

  it('sent nothing at all, not even a token request', async () => {
    const stats = await sandbox().stats();
    assert.equal(stats.tokensIssued, 0);
    assert.equal(totalRequests(stats), 0, JSON.stringify(stats.requests));
  });

  const BAD_CLIENTS = [
    ['a secret that is not a bcrypt salt', { clientId: 'app', clientSecret: 'hunter2-plain-password' }],
    ['plain HTTP to a remote host', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', baseUrl: 'http://api.example.com/npay/partner' }],
    ['a URL that is not one', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', baseUrl: 'not a url' }],
    ['an unknown environment', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', environment: 'staging' }],
    ['an unknown option', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', secret: 'x' }],
    ['a number as the client id', { clientId: 42, clientSecret: '$2a$04$abcdefghijklmnopqrstuu' }],
    ['a negative timeout', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', timeoutMs: -5 }],
    ['a fractional retry count', { clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', maxRetries: 1.5 }],
    ['an empty client id', { clientId: '', clientSecret: '$2a$04$abcdefghijklmnopqrstuu' }],
  ];
  for (const [what, options] of BAD_CLIENTS) {
    it(`refuses to build a client with ${what}`, () => {
      assert.throws(() => new npay.Client(options), npay.InvalidRequestError);
    });
  }

  it('refuses options that are not an object', () => {
    assert.throws(() => new npay.Client('app'), npay.InvalidRequestError);
  });

  it('refuses to sign with a secret that is not a bcrypt salt or a bad timestamp', () => {
    assert.throws(() => npay.sign('app', 'plain', 1643961623299), npay.InvalidRequestError);
    assert.throws(() => npay.sign('app', '$2a$10$abcdefghijklmnopqrstuv', 1.5), npay.InvalidRequestError);
    assert.throws(() => npay.sign('app', undefined, 1643961623299), npay.InvalidRequestError);
  });

  it('refuses bad sandbox options', async () => {
    await assert.rejects(npay.startSandbox({ clientSecret: 'plain' }), npay.InvalidRequestError);
    await assert.rejects(npay.startSandbox({ seed: -1 }), npay.InvalidRequestError);
    await assert.rejects(npay.startSandbox({ port: 80 }), npay.InvalidRequestError);
  });

  it('refuses bad connectSandbox arguments', async () => {
    const url = sandboxUrl(sandbox());
    const before = await sandbox().stats();
    for (const bad of [undefined, 42, '', 'not a url', 'ftp://127.0.0.1/npay/partner']) {
      await assert.rejects(npay.connectSandbox(bad), npay.InvalidRequestError, String(bad));
    }
    for (const options of [
      'options',
      { port: 80 },
      { clientId: 42 },
      { apiUrl: new URL(url) },
      { clientSecret: 'hunter2-plain-password' },
      { apiUrl: 'http://api.example.com/npay/partner' },
      { apiUrl: 'not a url' },
    ]) {
      await assert.rejects(npay.connectSandbox(url, options), npay.InvalidRequestError, JSON.stringify(options));
    }
    assert.deepEqual((await sandbox().stats()).requests, before.requests, 'no API request was sent');
  });
});
