// The cache of what was used lately (the field manager's decoded sets): its
// floor of most recently used entries always stays, entries used within its
// time are kept however many, and older ones go as the cache is used again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentlyUsed } from '../../main/kube/recentlyUsed.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

function cache(clock: FakeClock, floor = 2) {
  let made = 0;
  const recent = new RecentlyUsed<string, string>({ floor, keepMs: 1000, clock });
  const use = (key: string) =>
    recent.use(key, () => {
      made++;
      return `${key}#${made}`;
    });
  return { recent, use, made: () => made };
}

test('a value is made once and handed out again while kept', () => {
  const { use, made } = cache(new FakeClock());
  assert.equal(use('a'), 'a#1');
  assert.equal(use('a'), 'a#1');
  assert.equal(made(), 1);
});

test('during a burst every entry used within the time is kept, beyond the floor', () => {
  const clock = new FakeClock();
  const { recent, use, made } = cache(clock);
  for (let i = 0; i < 100; i++) {
    use(`pod-${i}`);
    clock.advance(5);
  }
  assert.equal(recent.size, 100);
  // pod-0 was last used 500 ms ago: still kept.
  assert.equal(use('pod-0'), 'pod-0#1');
  assert.equal(made(), 100);
});

test('after the burst, the least recently used beyond the floor go as the cache is used; the floor stays', () => {
  const clock = new FakeClock();
  const { recent, use } = cache(clock, 2);
  for (const key of ['a', 'b', 'c', 'd']) use(key);
  clock.advance(500);
  use('b');
  clock.advance(600);
  // a, c and d were last used 1,100 ms ago, b 600 ms ago: using e lets a, c and d go, except the floor's.
  use('e');
  assert.equal(recent.size, 2);
  assert.equal(use('b'), 'b#2', 'b, used within the time, was kept');
  assert.equal(use('a'), 'a#6', 'a was let go, so it is made again');
});

test('an idle cache keeps its entries until it is used again', () => {
  const clock = new FakeClock();
  const { recent, use } = cache(clock, 0);
  use('a');
  use('b');
  clock.advance(60_000);
  assert.equal(recent.size, 2);
  use('c');
  assert.equal(recent.size, 1);
});
