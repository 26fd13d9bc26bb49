// Who may open browser mode's WebSocket: token and Origin, both.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkUpgrade } from '../../main/ui/upgradeAuth.ts';
import { contentSecurityPolicy } from '../../main/ui/csp.ts';

const expected = { origin: 'http://127.0.0.1:4567', token: 'S3cr3t-token_value' };
const request = (headers: Record<string, string>, url = '/bridge') => ({ url, headers: { host: '127.0.0.1:4567', origin: expected.origin, 'sec-websocket-protocol': `podlab.v1, podlab.token.${expected.token}`, ...headers } });

test('the right token from the right origin gets in, choosing the podlab.v1 protocol', () => {
  assert.deepEqual(checkUpgrade(request({}), expected), { ok: true, protocol: 'podlab.v1' });
});

test('no token, a wrong token, or a token of another length is refused with 401', () => {
  for (const protocols of ['podlab.v1', 'podlab.v1, podlab.token.wrong', 'podlab.v1, podlab.token.', `podlab.v1, podlab.token.${expected.token}x`]) {
    const decision = checkUpgrade(request({ 'sec-websocket-protocol': protocols }), expected);
    assert.equal(decision.ok ? 0 : decision.status, 401, protocols);
  }
});

test('a foreign, missing or look-alike Origin is refused with 403, token or not', () => {
  for (const origin of ['http://evil.example', 'http://localhost:4567', 'http://127.0.0.1:4568', 'null', '']) {
    const decision = checkUpgrade(request({ origin }), expected);
    assert.equal(decision.ok ? 0 : decision.status, 403, origin);
  }
});

test('a DNS-rebound Host is refused', () => {
  const decision = checkUpgrade(request({ host: 'attacker.example:4567' }), expected);
  assert.equal(decision.ok ? 0 : decision.status, 403);
});

test('other paths are not the bridge', () => {
  const decision = checkUpgrade(request({}, '/other'), expected);
  assert.equal(decision.ok ? 0 : decision.status, 404);
});

test('the CSP allows scripts only from the app and connections only to the bridge', () => {
  const csp = contentSecurityPolicy(['ws://127.0.0.1:4567']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:4567/);
  assert.doesNotMatch(csp, /unsafe-eval/);
});
