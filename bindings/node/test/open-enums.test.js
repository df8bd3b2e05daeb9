'use strict';

// Enum values Naver adds after this version (release notes do that) come back as plain strings,
// never as an error. The sandbox only speaks today's values, so a tiny local HTTP server plays a
// future API here: real HTTP through the real client, answering one call with new values.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { npay } = require('./helpers');

const NOW = '2026-11-27T10:00:00.000+09:00';
const FUTURE_CHANGE = {
  orderId: '2026112711111111',
  productOrderId: '2026112722222222',
  lastChangedType: 'HYPERLOOP_DISPATCHED',
  lastChangedDate: NOW,
  productOrderStatus: 'TELEPORTING',
  claimType: 'TIME_TRAVEL',
  aBrandNewField: { nested: true },
};

function answer(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'gncp-gw-trace-id': 'future-trace' });
  response.end(JSON.stringify(body));
}

describe('unknown enum values from the server', () => {
  let server;
  let baseUrl;
  before(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      if (request.url.startsWith('/npay/partner/v1/oauth2/token')) {
        return answer(response, 200, { access_token: 'future-token', expires_in: 10800, token_type: 'Bearer' });
      }
      if (request.url.startsWith('/npay/partner/v1/pay-order/mall/product-orders/last-changed-statuses')) {
        return answer(response, 200, { timestamp: NOW, traceId: 'future-trace', data: { count: 1, lastChangeStatuses: [FUTURE_CHANGE] } });
      }
      return answer(response, 404, { code: 'GW.NOT_FOUND', message: 'not found', timestamp: NOW, traceId: 'future-trace' });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${server.address().port}/npay/partner`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('are kept as strings in results, with the known fields', async () => {
    const client = new npay.Client({ clientId: 'app', clientSecret: '$2a$04$abcdefghijklmnopqrstuu', baseUrl });
    const data = await client.listLastChangedStatuses({ lastChangedFrom: NOW, lastChangedTo: NOW });
    const [change] = data.lastChangeStatuses;
    assert.equal(change.lastChangedType, 'HYPERLOOP_DISPATCHED');
    assert.equal(change.productOrderStatus, 'TELEPORTING');
    assert.equal(change.claimType, 'TIME_TRAVEL');
    assert.equal(change.lastChangedDate, NOW, 'the +09:00 offset and milliseconds are kept');
    client.close();
  });
});
