// The controllers' work queue: deduplication, one worker per key at a time,
// delays and rate-limited retries on a fake clock.

import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { WorkQueue } from '../../main/controllers/shared/workQueue.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await nextTurn();
}

function recordingQueue(reconcile: (key: string) => Promise<void>, workers = 2) {
  const clock = new FakeClock();
  const errors: string[] = [];
  const queue = new WorkQueue(reconcile, { clock, workers, onError: (_err, key) => errors.push(key) });
  return { queue, clock, errors };
}

describe('WorkQueue', () => {
  it('waits for start, then reconciles a key added many times once', async () => {
    const seen: string[] = [];
    const { queue } = recordingQueue(async (key) => {
      seen.push(key);
    });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    await turns();
    assert.deepEqual(seen, []);
    queue.start();
    await turns();
    assert.deepEqual(seen, ['a', 'b']);
    await queue.stop();
  });

  it('never reconciles one key twice at once; a key added meanwhile runs again afterwards', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let release!: () => void;
    const { queue } = recordingQueue(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await new Promise<void>((r) => (release = r));
      running--;
    }, 4);
    queue.start();
    queue.add('k');
    await turns();
    queue.add('k');
    queue.add('k');
    await turns();
    assert.equal(calls, 1);
    release();
    await turns();
    assert.equal(calls, 2);
    assert.equal(maxRunning, 1);
    await queue.stop();
  });

  it('retries a failing key after 5 ms, then 10 ms, and forgets the failures once it succeeds', async () => {
    let failuresLeft = 2;
    let calls = 0;
    const { queue, clock, errors } = recordingQueue(async () => {
      calls++;
      if (failuresLeft-- > 0) throw new Error('not yet');
    });
    queue.start();
    queue.add('k');
    await turns();
    assert.deepEqual([calls, errors.length], [1, 1]);
    clock.advance(4);
    await turns();
    assert.equal(calls, 1);
    clock.advance(1);
    await turns();
    assert.equal(calls, 2);
    clock.advance(9);
    await turns();
    assert.equal(calls, 2);
    clock.advance(1);
    await turns();
    assert.equal(calls, 3);
    assert.equal(clock.pendingTimers, 0);
    await queue.stop();
  });

  it('addAfter keeps the earlier of two times', async () => {
    const seen: number[] = [];
    const { queue, clock } = recordingQueue(async () => {
      seen.push(clock.now());
    });
    queue.start();
    queue.addAfter('k', 1000);
    queue.addAfter('k', 5000);
    queue.addAfter('k', 300);
    clock.advance(299);
    await turns();
    assert.equal(seen.length, 0, 'not due before 300 ms');
    clock.advance(1);
    await turns();
    assert.equal(seen.length, 1, 'due at 300 ms');
    clock.advance(5000);
    await turns();
    assert.equal(seen.length, 1, 'the later times were dropped');
    await queue.stop();
  });

  it('a key whose reconcile took long cools down for twice as long before it runs again, however it is added', async () => {
    const runs: number[] = [];
    let addDuringRun = true;
    const timers = new FakeClock();
    // Each reconcile takes 30 ms on the queue's clock, without firing timers meanwhile.
    let busy = 0;
    const clock = { now: () => timers.now() + busy, setTimeout: timers.setTimeout.bind(timers) };
    const queue = new WorkQueue(
      async (key) => {
        runs.push(timers.now());
        busy += 30;
        if (addDuringRun) queue.add(key);
        addDuringRun = false;
      },
      { clock, workers: 2, onError: () => undefined },
    );
    queue.start();
    queue.add('hot');
    await turns();
    assert.equal(runs.length, 1);
    assert.equal(timers.pendingTimers, 1);
    queue.add('hot');
    await turns();
    assert.equal(runs.length, 1, 'ran again before cooling down');
    timers.advance(59);
    await turns();
    assert.equal(runs.length, 1, 'ran again before twice the 30 ms');
    timers.advance(1);
    await turns();
    assert.equal(runs.length, 2);
    // Added after the reconcile ended, it still waits out the cool-down.
    queue.add('hot');
    await turns();
    assert.equal(runs.length, 2);
    timers.advance(60);
    await turns();
    assert.equal(runs.length, 3);
    await queue.stop();
  });

  it('a quick reconcile added meanwhile runs again at once, as in client-go', async () => {
    let runs = 0;
    const { queue } = recordingQueue(async (key) => {
      runs++;
      if (runs === 1) queue.add(key);
    });
    queue.start();
    queue.add('cold');
    await turns();
    assert.equal(runs, 2);
    await queue.stop();
  });
});
