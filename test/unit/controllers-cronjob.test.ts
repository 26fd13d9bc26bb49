// The CronJob controller on the fake clock: a Job each scheduled minute,
// named by the minute, its history kept to the limits, Forbid and Replace,
// a missed starting deadline, suspend, and the status the controller keeps.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { jobNameFor } from '../../main/controllers/cronjob/cronJobController.ts';
import { parseSchedule } from '../../main/kube/cronSchedule.ts';
import { events, settle, startHarness, until, untilAdvancing, type Harness } from './controllers-harness.ts';

const cronJobsRef = { group: 'batch', version: 'v1', plural: 'cronjobs' };
const jobsRef = { group: 'batch', version: 'v1', plural: 'jobs' };

function cronJob(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      timeZone: 'Etc/UTC',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } } } },
      ...spec,
    },
  };
}

async function jobsOf(h: Harness, owner: string): Promise<KubeObject[]> {
  return (await h.client.resource(jobsRef).list('default')).items.filter((j) => j.metadata.ownerReferences?.[0]?.name === owner && !j.metadata.deletionTimestamp);
}

/** The Job controller's part: the Job finished. */
async function complete(h: Harness, job: KubeObject, type: 'Complete' | 'Failed' = 'Complete'): Promise<void> {
  const at = new Date(h.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  const current = await h.client.resource(jobsRef).get('default', job.metadata.name ?? '');
  await h.client.resource(jobsRef).updateStatus('default', { ...current, status: { startTime: at, ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }), conditions: [{ type, status: 'True', lastTransitionTime: at }] } });
}

/**
 * To the start of the next minute and a little past it, a quarter second at a time with the
 * controllers running in between: a reconcile that one long clock jump ran across would cool down for
 * twice that fake time before its key ran again.
 */
async function nextMinute(h: Harness): Promise<void> {
  const target = h.clock.now() + 60_000 - (h.clock.now() % 60_000) + 200;
  while (h.clock.now() < target) {
    h.clock.advance(Math.min(250, target - h.clock.now()));
    await settle(10);
  }
  await settle(50);
}

describe('the CronJob controller', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['cronjob']);
  });
  after(() => h.close());

  it('reads schedules as Kubernetes does', () => {
    const at = Date.parse('2026-01-01T00:00:30Z');
    assert.equal(new Date(parseSchedule('@hourly', 'UTC').next(at)!).toISOString(), '2026-01-01T01:00:00.000Z');
    assert.equal(new Date(parseSchedule('0 9 * * *', 'America/New_York').next(at)!).toISOString(), '2026-01-01T14:00:00.000Z');
    assert.throws(() => parseSchedule('* * * *'), /expected exactly 5 fields, found 4: \[\* \* \* \*\]/);
    assert.throws(() => parseSchedule('TZ=UTC * * * * *'), /cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
    // robfig/cron's words for bad fields, as kube-apiserver returns them.
    assert.throws(() => parseSchedule('0-70 * * * *'), /^Error: end of range \(70\) above maximum \(59\): 0-70$/);
    assert.throws(() => parseSchedule('x * * * *'), /^Error: failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax$/);
    assert.throws(() => parseSchedule('* * 0 * *'), /^Error: beginning of range \(0\) below minimum \(1\): 0$/);
    assert.throws(() => parseSchedule('*/0 * * * *'), /^Error: step of range should be a positive number: \*\/0$/);
    assert.throws(() => parseSchedule('* * * * 7'), /^Error: end of range \(7\) above maximum \(6\): 7$/);
    assert.throws(() => parseSchedule('5-2 * * * *'), /^Error: beginning of range \(5\) beyond end of range \(2\): 5-2$/);
    assert.throws(() => parseSchedule('1-2-3 * * * *'), /^Error: too many hyphens: 1-2-3$/);
    for (const good of ['*/15 9-17 * jan-jun mon-fri', '5/15 * ? * SUN', '0 0 1,15 * *']) assert.doesNotThrow(() => parseSchedule(good), good);
    assert.equal(jobNameFor('report', Date.parse('2026-01-01T00:01:00Z')), 'report-29453761');
  });

  it('creates a Job each minute, named by the minute, and keeps three successful ones', async () => {
    await h.client.resource(cronJobsRef).create('default', cronJob('every-minute'));
    await settle(50);
    assert.equal((await jobsOf(h, 'every-minute')).length, 0, 'nothing before the first scheduled time');
    for (let minute = 1; minute <= 5; minute++) {
      await nextMinute(h);
      const jobs = await untilAdvancing(h, `job ${minute}`, async () => {
        const list = await jobsOf(h, "every-minute");
        return list.find((j) => j.metadata.name === jobNameFor('every-minute', Math.floor(h.clock.now() / 60_000) * 60_000)) ? list : undefined;
      });
      const newest = jobs.find((j) => j.metadata.name === jobNameFor('every-minute', Math.floor(h.clock.now() / 60_000) * 60_000))!;
      assert.match(newest.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
      await complete(h, newest);
    }
    await nextMinute(h);
    await untilAdvancing(h, 'three successful Jobs kept', async () => {
      const finished = (await jobsOf(h, 'every-minute')).filter((j) => (j.status as { conditions?: unknown[] } | undefined)?.conditions?.length);
      return finished.length === 3 || undefined;
    });
    const status = (await h.client.resource(cronJobsRef).get('default', 'every-minute')).status as { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: unknown[] };
    assert.match(status.lastScheduleTime ?? '', /:00Z$/);
    assert.ok(status.lastSuccessfulTime);
    const reasons = (await events(h, 'default')).filter((e) => e.involvedObject.name === 'every-minute').map((e) => e.reason);
    for (const reason of ['SuccessfulCreate', 'SawCompletedJob', 'SuccessfulDelete']) assert.ok(reasons.includes(reason), reason);
  });

  it('Forbid skips a time while a Job runs; suspend stops the schedule', async () => {
    await h.client.resource(cronJobsRef).create('default', cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await nextMinute(h);
    await untilAdvancing(h, 'the first Job', async () => ((await jobsOf(h, 'forbid')).length === 1 ? true : undefined));
    await nextMinute(h);
    await untilAdvancing(h, 'JobAlreadyActive', async () => (await events(h, 'default')).find((e) => e.involvedObject.name === 'forbid' && e.reason === 'JobAlreadyActive'));
    assert.equal((await jobsOf(h, 'forbid')).length, 1);
    await h.client.resource(cronJobsRef).patch('default', 'forbid', 'application/merge-patch+json', { spec: { suspend: true } });
    await complete(h, (await jobsOf(h, 'forbid'))[0]!);
    await settle(50);
    await nextMinute(h);
    await nextMinute(h);
    assert.equal((await jobsOf(h, 'forbid')).length, 1, 'no Job while suspended');
  });

  it('Replace deletes the running Job for the new one', async () => {
    await h.client.resource(cronJobsRef).create('default', cronJob('replace', { concurrencyPolicy: 'Replace' }));
    await nextMinute(h);
    const [first] = await untilAdvancing(h, 'the first Job', async () => {
      const list = await jobsOf(h, 'replace');
      return list.length === 1 ? list : undefined;
    });
    await nextMinute(h);
    await untilAdvancing(h, 'the first replaced', async () => {
      const list = await jobsOf(h, 'replace');
      return list.length === 1 && list[0]!.metadata.name !== first!.metadata.name ? true : undefined;
    });
  });
});
