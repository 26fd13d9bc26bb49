// FollowOrder: which lines of a Docker log follow are repeats the engine sent again after a rotation.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FollowOrder } from '../../main/runtime/docker/followOrder.ts';

const at = (fraction: string) => `2026-12-06T09:52:05.${fraction}Z`;

test('lines in time order all go through', () => {
  const order = new FollowOrder();
  assert.deepEqual(['000000001', '000000002', '100000000'].map((f, i) => order.isNew(at(f), `line ${i}`)), [true, true, true]);
});

test('after the engine goes back, the lines it sends again are dropped until a newer one comes', () => {
  const order = new FollowOrder();
  for (const [i, f] of ['000000001', '000000002', '000000003'].entries()) assert.ok(order.isNew(at(f), `line ${i}`));
  assert.equal(order.isNew(at('000000002'), 'line 1'), false);
  assert.equal(order.isNew(at('000000003'), 'line 2'), false);
  assert.equal(order.isNew(at('000000004'), 'line 3'), true);
});

test('the last line sent again at once is a repeat; another line of the same instant is not', () => {
  const order = new FollowOrder();
  assert.ok(order.isNew(at('000000001'), 'a'));
  assert.equal(order.isNew(at('000000001'), 'a'), false);
  assert.equal(order.isNew(at('000000001'), 'b'), true);
  assert.equal(order.isNew(at('000000001'), 'b'), false);
});

test('fractions Go trimmed of their trailing zeros compare as time, not as text', () => {
  const order = new FollowOrder();
  assert.ok(order.isNew('2026-12-06T09:52:05.9Z', 'at .9'));
  // As text "05.9Z" sorts after "05.95Z" ('Z' after '5'); as time .95 is later.
  assert.ok(order.isNew('2026-12-06T09:52:05.95Z', 'at .95'));
  assert.ok(order.isNew('2026-12-06T09:52:06Z', 'at 06'));
  assert.equal(order.isNew('2026-12-06T09:52:05.950000001Z', 'late'), false);
});

test("what the engine writes itself, without a timestamp, always goes through", () => {
  const order = new FollowOrder();
  assert.ok(order.isNew(at('000000005'), 'a'));
  assert.ok(order.isNew('Error', 'grabbing logs: no such file or directory'));
  assert.ok(order.isNew('Error', 'grabbing logs: no such file or directory'));
});
