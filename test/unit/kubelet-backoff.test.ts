import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../main/kubelet/backoff.ts';
import { goDuration } from '../../main/kube/goFormat.ts';
import { desktopTimings, kubernetesTimings, timingsFor } from '../../main/kubelet/timings.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('Backoff (crash loop: 10 s doubling to 5 min)', () => {
  it('starts at the initial wait and doubles up to the maximum', () => {
    const time = clock();
    const backoff = new Backoff({ initialMs: 10_000, maxMs: 300_000 }, time.now);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      backoff.next('c', time.now());
      seen.push(backoff.get('c'));
      time.advance(backoff.get('c'));
    }
    assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('is in back-off from the container finish until the wait is over', () => {
    const time = clock();
    const backoff = new Backoff({ initialMs: 10_000, maxMs: 300_000 }, time.now);
    const finishedAt = time.now();
    assert.equal(backoff.isInBackOffSince('c', finishedAt), false, 'no entry: restart at once');
    backoff.next('c', finishedAt);
    time.advance(9_999);
    assert.equal(backoff.isInBackOffSince('c', finishedAt), true);
    time.advance(1);
    assert.equal(backoff.isInBackOffSince('c', finishedAt), false);
    assert.equal(backoff.expiresAt('c', finishedAt), finishedAt + 10_000);
  });

  it('starts over after twice the maximum without failures', () => {
    const time = clock();
    const backoff = new Backoff({ initialMs: 10_000, maxMs: 300_000 }, time.now);
    backoff.next('c', time.now());
    backoff.next('c', time.now());
    assert.equal(backoff.get('c'), 20_000);
    time.advance(600_001);
    backoff.next('c', time.now());
    assert.equal(backoff.get('c'), 10_000);
  });

  it('measures image pull back-off from the last failure', () => {
    const time = clock();
    const backoff = new Backoff({ initialMs: 2_000, maxMs: 60_000 }, time.now);
    backoff.next('img', time.now());
    time.advance(1_000);
    assert.equal(backoff.isInBackOffSinceUpdate('img', time.now()), true);
    time.advance(1_000);
    assert.equal(backoff.isInBackOffSinceUpdate('img', time.now()), false);
  });

  it('forgets idle entries on gc', () => {
    const time = clock();
    const backoff = new Backoff({ initialMs: 10, maxMs: 100 }, time.now);
    backoff.next('a', time.now());
    time.advance(201);
    backoff.gc();
    assert.equal(backoff.get('a'), 0);
  });
});

describe('timings', () => {
  it('keeps the upstream values in the kubernetes profile and shortens them in the desktop one', () => {
    assert.equal(kubernetesTimings.crashLoopInitialMs, 10_000);
    assert.equal(kubernetesTimings.crashLoopMaxMs, 300_000);
    assert.equal(kubernetesTimings.nodeMonitorGraceMs, 40_000);
    assert.equal(kubernetesTimings.leaseRenewMs * 4, kubernetesTimings.leaseDurationSeconds * 1000);
    assert.equal(desktopTimings.nodeMonitorGraceMs, 20_000);
    assert.ok(desktopTimings.crashLoopMaxMs < kubernetesTimings.crashLoopMaxMs);
    assert.equal(desktopTimings.leaseRenewMs * 4, desktopTimings.leaseDurationSeconds * 1000);
    assert.equal(timingsFor('kubernetes'), kubernetesTimings);
    assert.equal(timingsFor('desktop'), desktopTimings);
  });
});

describe('goDuration', () => {
  it("prints durations as Go's time.Duration does", () => {
    assert.equal(goDuration(0), '0s');
    assert.equal(goDuration(523), '523ms');
    assert.equal(goDuration(1_000), '1s');
    assert.equal(goDuration(1_200), '1.2s');
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(65_500), '1m5.5s');
    assert.equal(goDuration(300_000), '5m0s');
    assert.equal(goDuration(3_600_000), '1h0m0s');
  });
});
