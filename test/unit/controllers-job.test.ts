// The Job controller on the fake clock, the kubelet's part played by hand
// (a pod succeeds or fails when the test says so): parallelism and
// completions, Indexed Jobs, the back-off before replacing failed pods,
// backoffLimit and activeDeadlineSeconds, suspend and resume, the
// job-tracking finalizer, and the TTL after finishing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { backoffDelayMs } from '../../main/controllers/job/jobController.ts';
import { formatIndexes, parseIndexes } from '../../main/controllers/job/completedIndexes.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import { events, settle, startHarness, until, untilAdvancing, type Harness } from './controllers-harness.ts';

const jobsRef = { group: 'batch', version: 'v1', plural: 'jobs' };

function job(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } }, ...spec },
  };
}

interface JobView extends KubeObject {
  status?: { active?: number; succeeded?: number; failed?: number; completedIndexes?: string; startTime?: string; completionTime?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>; uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] } };
}

async function getJob(h: Harness, name: string): Promise<JobView> {
  return (await h.client.resource(jobsRef).get('default', name)) as JobView;
}

async function podsOf(h: Harness, name: string): Promise<Pod[]> {
  return (await h.pods.list('default', { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
}

const running = (pods: Pod[]) => pods.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase ?? '') && !p.metadata.deletionTimestamp);

/** The kubelet's part: the pod's container ended with `exitCode`. */
async function finish(h: Harness, pod: Pod, exitCode: number): Promise<void> {
  const at = new Date(h.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  const current = await h.pods.get('default', pod.metadata.name ?? '');
  await h.pods.updateStatus('default', {
    ...current,
    status: {
      ...current.status,
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: 'main', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: at } } }],
    },
  });
}

const conditionOf = (j: JobView, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');

describe('the Job controller', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['job', 'ttl-after-finished']);
  });
  after(async () => {
    if (h.errors.length) console.log("controller errors:", h.errors.slice(0, 5));
    await h.close();
  });

  it('back-off doubles from 10 s and stops at 6 min; indexes print as intervals', () => {
    assert.deepEqual([1, 2, 3, 6, 7, 12].map(backoffDelayMs), [10_000, 20_000, 40_000, 320_000, 360_000, 360_000]);
    assert.equal(formatIndexes([5, 0, 1, 2, 7, 8]), '0-2,5,7-8');
    assert.deepEqual([...parseIndexes('0-2,5,7-8', 8)], [0, 1, 2, 5, 7]);
  });

  it('runs at most `parallelism` pods until `completions` succeed, then is Complete', async () => {
    await h.client.resource(jobsRef).create('default', job('four', { completions: 4, parallelism: 2 }));
    for (let round = 0; round < 2; round++) {
      const pods = await until('two pods running', async () => {
        const active = running(await podsOf(h, 'four'));
        return active.length === 2 ? active : undefined;
      });
      assert.ok(pods.every((p) => p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking')), 'pods carry the tracking finalizer');
      for (const pod of pods) await finish(h, pod, 0);
    }
    const done = await until('the Job to complete', async () => {
      const j = await getJob(h, 'four');
      return conditionOf(j, 'Complete') ? j : undefined;
    });
    assert.equal(done.status?.succeeded, 4);
    assert.equal(done.status?.active, 0);
    assert.deepEqual(conditionOf(done, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
    assert.deepEqual([conditionOf(done, 'Complete')?.reason, conditionOf(done, 'Complete')?.message], ['CompletionsReached', 'Reached expected number of succeeded pods']);
    assert.ok(done.status?.completionTime);
    await until('finalizers removed', async () => (await podsOf(h, 'four')).every((p) => !p.metadata.finalizers?.length) || undefined);
    assert.equal((await podsOf(h, 'four')).length, 4, 'no fifth pod was ever made');
    const reasons = (await events(h, 'default')).filter((e) => e.involvedObject.name === 'four').map((e) => e.reason);
    assert.equal(reasons.filter((r) => r === 'SuccessfulCreate').length, 4);
    assert.ok(reasons.includes('Completed'));
  });

  it('an Indexed Job gives each pod its index, hostname and JOB_COMPLETION_INDEX, and tracks completedIndexes', async () => {
    await h.client.resource(jobsRef).create('default', job('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await until('three indexed pods', async () => {
      const active = running(await podsOf(h, 'indexed'));
      return active.length === 3 ? active : undefined;
    });
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    const second = byIndex.get('1')!;
    assert.equal(second.spec.hostname, 'indexed-1');
    assert.match(second.metadata.name ?? '', /^indexed-1-/);
    assert.deepEqual(second.spec.containers[0]!.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom, { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } });
    await finish(h, byIndex.get('0')!, 0);
    await finish(h, byIndex.get('2')!, 0);
    await until('indexes 0 and 2 done', async () => (await getJob(h, 'indexed')).status?.completedIndexes === '0,2' || undefined);
    await finish(h, second, 0);
    const done = await until('the Indexed Job to complete', async () => {
      const j = await getJob(h, 'indexed');
      return conditionOf(j, 'Complete') ? j : undefined;
    });
    assert.equal(done.status?.completedIndexes, '0-2');
    assert.equal(done.status?.succeeded, 3);
  });

  it('replaces a failed pod only after the back-off, and fails at backoffLimit with BackoffLimitExceeded', async () => {
    await h.client.resource(jobsRef).create('default', job('flaky', { backoffLimit: 1 }));
    const first = await until('the first pod', async () => running(await podsOf(h, 'flaky'))[0]);
    await finish(h, first, 1);
    await until('the failure counted', async () => (await getJob(h, 'flaky')).status?.failed === 1 || undefined);
    await settle();
    assert.equal(running(await podsOf(h, 'flaky')).length, 0, 'no new pod before the 10 s back-off');
    h.clock.advance(10_000);
    const second = await untilAdvancing(h, 'the replacement after 10 s', async () => running(await podsOf(h, 'flaky'))[0]);
    await finish(h, second, 1);
    const failed = await untilAdvancing(h, 'the Job to fail', async () => {
      const j = await getJob(h, 'flaky');
      return conditionOf(j, 'Failed') ? j : undefined;
    });
    assert.deepEqual([conditionOf(failed, 'FailureTarget')?.reason, conditionOf(failed, 'Failed')?.reason, conditionOf(failed, 'Failed')?.message], ['BackoffLimitExceeded', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
    assert.equal(failed.status?.completionTime, undefined, 'a failed Job has no completionTime');
    const warning = (await events(h, 'default')).find((e) => e.involvedObject.name === 'flaky' && e.reason === 'BackoffLimitExceeded');
    assert.equal(warning?.message, 'Job has reached the specified backoff limit');
  });

  it('stops a Job past activeDeadlineSeconds, deleting its pods: DeadlineExceeded', async () => {
    await h.client.resource(jobsRef).create('default', job('slow', { activeDeadlineSeconds: 30 }));
    await until('its pod', async () => running(await podsOf(h, 'slow'))[0]);
    h.clock.advance(31_000);
    const failed = await untilAdvancing(h, 'DeadlineExceeded', async () => {
      const j = await getJob(h, 'slow');
      return conditionOf(j, 'Failed') ? j : undefined;
    });
    assert.deepEqual([conditionOf(failed, 'Failed')?.reason, conditionOf(failed, 'Failed')?.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
    assert.ok((await podsOf(h, 'slow')).every((p) => p.metadata.deletionTimestamp || !p.metadata.finalizers?.length));
  });

  it('suspending deletes the running pods and says Suspended; resuming starts them again', async () => {
    await h.client.resource(jobsRef).create('default', job('pausable', { parallelism: 2, completions: 2 }));
    await until('two pods', async () => running(await podsOf(h, 'pausable')).length === 2 || undefined);
    await h.client.resource(jobsRef).patch('default', 'pausable', 'application/merge-patch+json', { spec: { suspend: true } });
    const suspended = await until('Suspended', async () => {
      const j = await getJob(h, 'pausable');
      return conditionOf(j, 'Suspended') && running(await podsOf(h, 'pausable')).length === 0 ? j : undefined;
    });
    assert.deepEqual([conditionOf(suspended, 'Suspended')?.reason, conditionOf(suspended, 'Suspended')?.message], ['JobSuspended', 'Job suspended']);
    assert.equal(suspended.status?.failed ?? 0, 0, 'pods deleted by the suspension are not failures');
    await h.client.resource(jobsRef).patch('default', 'pausable', 'application/merge-patch+json', { spec: { suspend: false } });
    await until('two pods again', async () => running(await podsOf(h, 'pausable')).length === 2 || undefined);
    const resumed = await getJob(h, 'pausable');
    assert.deepEqual(resumed.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
  });

  it('deletes a finished Job ttlSecondsAfterFinished later', async () => {
    await h.client.resource(jobsRef).create('default', job('short-lived', { ttlSecondsAfterFinished: 60 }));
    const pod = await until('its pod', async () => running(await podsOf(h, 'short-lived'))[0]);
    await finish(h, pod, 0);
    await until('complete', async () => conditionOf(await getJob(h, 'short-lived'), 'Complete') || undefined);
    h.clock.advance(30_000);
    await settle();
    assert.ok(await getJob(h, 'short-lived'), 'still there halfway');
    h.clock.advance(31_000);
    await untilAdvancing(h, 'the Job gone or going', async () => {
      try {
        return (await getJob(h, 'short-lived')).metadata.deletionTimestamp ? true : undefined;
      } catch {
        return true;
      }
    });
  });
});
