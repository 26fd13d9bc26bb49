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
    assert.equal(formatIndexes([5, 0, 1, 2, 7, 8]), '0-2,5,7,8');
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
    // The clock moves once the controller has counted the pod and rests: a reconcile still writing while the
    // clock jumps cools down for twice the jump (workQueue), past what the test waits.
    await until('the pod counted', async () => (await getJob(h, 'slow')).status?.active === 1);
    await settle();
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

  it('a FailJob rule of the podFailurePolicy ends the Job at once, naming the container, exit code and rule', async () => {
    const rules = [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }];
    await h.client.resource(jobsRef).create('default', job('policy-failjob', { parallelism: 2, completions: 4, podFailurePolicy: { rules } }));
    const [first] = await until('two pods', async () => {
      const active = running(await podsOf(h, 'policy-failjob'));
      return active.length === 2 ? active : undefined;
    });
    await finish(h, first!, 42);
    const failed = await until('the Job to fail', async () => {
      const j = await getJob(h, 'policy-failjob');
      return conditionOf(j, 'Failed') ? j : undefined;
    });
    const message = `Container main for pod default/${first!.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    assert.deepEqual([conditionOf(failed, 'FailureTarget')?.reason, conditionOf(failed, 'Failed')?.reason, conditionOf(failed, 'Failed')?.message], ['PodFailurePolicy', 'PodFailurePolicy', message]);
    assert.equal(running(await podsOf(h, 'policy-failjob')).length, 0, 'the other pod was deleted');
    const warning = (await events(h, 'default')).find((e) => e.involvedObject.name === 'policy-failjob' && e.reason === 'PodFailurePolicy');
    assert.equal(warning?.message, message);
  });

  it('an Ignore rule keeps a failure off the count: the pod is replaced at once, and backoffLimit 0 is not reached', async () => {
    const rules = [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } }, { action: 'Count', onExitCodes: { operator: 'NotIn', values: [137] } }];
    await h.client.resource(jobsRef).create('default', job('policy-ignore', { backoffLimit: 0, podFailurePolicy: { rules } }));
    const first = await until('the first pod', async () => running(await podsOf(h, 'policy-ignore'))[0]);
    await finish(h, first, 137);
    const second = await until('a replacement without back-off', async () => running(await podsOf(h, 'policy-ignore')).find((p) => p.metadata.uid !== first.metadata.uid));
    const j = await until('the ignored pod released', async () => {
      const pods = await podsOf(h, 'policy-ignore');
      const firstNow = pods.find((p) => p.metadata.uid === first.metadata.uid);
      return !firstNow?.metadata.finalizers?.length ? getJob(h, 'policy-ignore') : undefined;
    });
    assert.equal(j.status?.failed ?? 0, 0);
    assert.equal(conditionOf(j, 'Failed'), undefined);
    await finish(h, second, 1);
    const failed = await until('a counted failure fails it', async () => {
      const latest = await getJob(h, 'policy-ignore');
      return conditionOf(latest, 'Failed') ? latest : undefined;
    });
    assert.deepEqual([conditionOf(failed, 'Failed')?.reason, failed.status?.failed], ['BackoffLimitExceeded', 1]);
  });

  it('backoffLimitPerIndex: each index has its own count and back-off; a spent index fails alone, then the Job with FailedIndexes', async () => {
    await h.client.resource(jobsRef).create('default', job('per-index', { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 }));
    const byIndex = async () => new Map(running(await podsOf(h, 'per-index')).map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    const first = await until('both indexes running', async () => ((await byIndex()).size === 2 ? byIndex() : undefined));
    assert.equal(first.get('0')!.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count'], '0');
    await finish(h, first.get('0')!, 1);
    await settle();
    assert.equal((await byIndex()).has('0'), false, 'index 0 waits out its 10 s back-off');
    assert.equal((await getJob(h, 'per-index')).status?.failed ?? 0, 0, 'the failed pod is kept, uncounted, until its replacement exists');
    h.clock.advance(10_000);
    const retry = await untilAdvancing(h, 'index 0 again', async () => (await byIndex()).get('0'));
    assert.equal(retry.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count'], '1');
    await until('the first failure counted', async () => (await getJob(h, 'per-index')).status?.failed === 1 || undefined);
    await finish(h, retry, 1);
    const afterSecond = await until('index 0 failed', async () => {
      const j = await getJob(h, 'per-index');
      return (j.status as { failedIndexes?: string } | undefined)?.failedIndexes === '0' ? j : undefined;
    });
    assert.equal(conditionOf(afterSecond, 'Failed'), undefined, 'index 1 still runs');
    // A minute in small steps (a jump would leave the queue cooling down for twice as long).
    for (let i = 0; i < 60; i++) {
      h.clock.advance(1_000);
      await settle(5);
    }
    assert.equal((await byIndex()).has('0'), false, 'a failed index is not restarted');
    await finish(h, first.get('1')!, 0);
    const failed = await untilAdvancing(h, 'the Job to fail', async () => {
      const j = await getJob(h, 'per-index');
      return conditionOf(j, 'Failed') ? j : undefined;
    });
    assert.deepEqual([conditionOf(failed, 'Failed')?.reason, conditionOf(failed, 'Failed')?.message, failed.status?.completedIndexes, failed.status?.failed], ['FailedIndexes', 'Job has failed indexes', '1', 2]);
  });

  it('maxFailedIndexes: one failed index too many fails the Job with MaxFailedIndexesExceeded', async () => {
    const rules = [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [3] } }];
    await h.client.resource(jobsRef).create('default', job('max-failed', { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 5, maxFailedIndexes: 0, podFailurePolicy: { rules } }));
    const pods = await until('three pods', async () => {
      const active = running(await podsOf(h, 'max-failed'));
      return active.length === 3 ? active : undefined;
    });
    await finish(h, pods[0]!, 3);
    const failed = await until('the Job to fail', async () => {
      const j = await getJob(h, 'max-failed');
      return conditionOf(j, 'Failed') ? j : undefined;
    });
    assert.deepEqual([conditionOf(failed, 'Failed')?.reason, conditionOf(failed, 'Failed')?.message], ['MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes']);
  });

  it('a successPolicy ends an Indexed Job once its rule holds: SuccessCriteriaMet then Complete with SuccessPolicy', async () => {
    await h.client.resource(jobsRef).create('default', job('leader', { completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } }));
    const pods = await until('three pods', async () => {
      const active = running(await podsOf(h, 'leader'));
      return active.length === 3 ? active : undefined;
    });
    const leader = pods.find((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === '0')!;
    await finish(h, leader, 0);
    const done = await until('the Job to complete', async () => {
      const j = await getJob(h, 'leader');
      return conditionOf(j, 'Complete') ? j : undefined;
    });
    assert.deepEqual(
      [conditionOf(done, 'SuccessCriteriaMet')?.reason, conditionOf(done, 'SuccessCriteriaMet')?.message, conditionOf(done, 'Complete')?.reason, conditionOf(done, 'Complete')?.message],
      ['SuccessPolicy', 'Matched rules at index 0', 'SuccessPolicy', 'Matched rules at index 0'],
    );
    assert.equal(done.status?.completedIndexes, '0');
    assert.equal(running(await podsOf(h, 'leader')).length, 0, 'the workers were stopped');
  });
});
