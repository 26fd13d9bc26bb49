// A workload's refused pod creates, as the debugger gathers them: a
// controller's FailedCreate events (PodLab's event wording, the ReplicaSet,
// StatefulSet and CronJob forms, retries with other pod names counted as one,
// a later SuccessfulCreate ending it), the API server's memory preferred when
// it has the controller's refusals; and through main/ui, a Deployment's
// current ReplicaSet only, and the refused requests of a cluster without the
// memory read from FailedCreate events.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdmissionDenial } from '../../main/apiserver/admission/admissionDenials.ts';
import { emptyCluster } from '../../main/insight/admissionCluster.ts';
import { editTarget } from '../../main/insight/admissionRefusal.ts';
import { creatorRefusals } from '../../main/insight/creatorRefusals.ts';
import { diagnoseRefusal } from '../../main/insight/diagnoseRefusal.ts';
import type { EventView } from '../../main/insight/podView.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { diagnoseWorkload, refusedRequests } from '../../main/ui/admissionDiagnosis.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const quota = 'pods "web-5d8f-{}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=4, limited: pods=4';
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', namespace: 'shop', uid: 'rs-uid' }, spec: { replicas: 5, template } } as KubeObject;
const target = editTarget('Deployment', 'deployments', 'shop', 'web');

function event(reason: string, message: string, lastTimestamp: string, count = 1): EventView {
  return { metadata: { name: `web-5d8f.${reason}.${lastTimestamp}`, namespace: 'shop' }, involvedObject: { kind: 'ReplicaSet', name: 'web-5d8f', namespace: 'shop', uid: 'rs-uid' }, reason, message, count, type: reason === 'FailedCreate' ? 'Warning' : 'Normal', lastTimestamp };
}

describe('refused creates from events and memory', () => {
  it('retries with other pod names are one refusal; the combined form is read; the quota plugin is named', () => {
    const events = [
      event('FailedCreate', `Error creating: ${quota.replace('{}', 'aaaaa')}`, '2025-01-10T10:01:00Z', 2),
      event('FailedCreate', `(combined from similar events): Error creating: ${quota.replace('{}', 'bbbbb')}`, '2025-01-10T10:03:00Z', 9),
      event('SuccessfulCreate', 'Created pod: web-5d8f-xxxxx', '2025-01-10T10:00:00Z'),
    ];
    const [refusal, ...more] = creatorRefusals([{ object: rs, events, target }]);
    assert.equal(more.length, 0);
    assert.equal(refusal!.message, quota.replace('{}', 'bbbbb'));
    assert.equal(refusal!.count, 11);
    assert.equal(refusal!.lastAt, '2025-01-10T10:03:00Z');
    assert.equal(refusal!.plugin, 'ResourceQuota');
    assert.deepEqual(refusal!.object, { group: '', kind: 'Pod', resource: 'pods', namespace: 'shop', name: 'web-5d8f-bbbbb', generateName: 'web-5d8f-' });
    const [finding] = diagnoseRefusal(refusal!, emptyCluster, new Date());
    assert.equal(finding!.rule, 'admission-refused');
    assert.equal(finding!.title, 'Refused by ResourceQuota');
    assert.equal(
      finding!.cause,
      `The ResourceQuota admission plugin refused the ReplicaSet web-5d8f's create of a Pod (web-5d8f-*) in namespace shop: ${quota.replace('{}', 'bbbbb')}. Until it is admitted, Deployment web has fewer pods than it asks for.`,
    );
    assert.deepEqual(
      finding!.next.map((n) => n.command),
      ['kubectl describe resourcequota -n shop', 'kubectl get events -n shop --field-selector involvedObject.kind=ReplicaSet,involvedObject.name=web-5d8f,reason=FailedCreate', 'kubectl describe deployment web -n shop'],
    );
  });

  it('a create that succeeded after the last refusal ends it', () => {
    const events = [event('FailedCreate', `Error creating: ${quota.replace('{}', 'aaaaa')}`, '2025-01-10T10:01:00Z'), event('SuccessfulCreate', 'Created pod: web-5d8f-xxxxx', '2025-01-10T10:02:00Z')];
    assert.deepEqual(creatorRefusals([{ object: rs, events, target }]), []);
  });

  it("a StatefulSet's wording, and a CronJob's refused Job", () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop', uid: 'sts-uid' }, spec: { template } } as KubeObject;
    const message = `create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: violates PodSecurity "baseline:latest": privileged (container "db" must not set securityContext.privileged=true)`;
    const [refusal] = creatorRefusals([{ object: sts, events: [{ ...event('FailedCreate', message, '2025-01-10T10:01:00Z'), involvedObject: { kind: 'StatefulSet', name: 'db', uid: 'sts-uid' } }], target: editTarget('StatefulSet', 'statefulsets', 'shop', 'db') }]);
    assert.equal(refusal!.plugin, 'PodSecurity');
    assert.deepEqual(refusal!.object, { group: '', kind: 'Pod', resource: 'pods', namespace: 'shop', name: 'db-0' });
    assert.deepEqual(refusal!.cause, { stage: 'podSecurity', level: 'baseline', version: 'latest', detail: 'privileged (container "db" must not set securityContext.privileged=true)' });

    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop', uid: 'cj-uid' }, spec: {} } as KubeObject;
    const denied = `Error creating job: jobs.batch "report-28950000" is forbidden: ValidatingAdmissionPolicy 'job-deadline' with binding 'job-deadline' denied request: failed expression: has(object.spec.activeDeadlineSeconds)`;
    const [job] = creatorRefusals([{ object: cronJob, events: [{ ...event('FailedCreate', denied, '2025-01-10T10:01:00Z'), involvedObject: { kind: 'CronJob', name: 'report', uid: 'cj-uid' } }], target: editTarget('CronJob', 'cronjobs', 'shop', 'report') }]);
    assert.deepEqual(job!.object, { group: 'batch', kind: 'Job', resource: 'jobs', namespace: 'shop', name: 'report-28950000' });
    assert.equal(job!.cause.stage, 'validatingAdmissionPolicy');
    assert.equal(job!.template, undefined);
  });

  it("the API server's memory of the controller's refusals is read first-hand", () => {
    const remembered: AdmissionDenial = {
      user: 'system:serviceaccount:kube-system:replicaset-controller',
      operation: 'CREATE',
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
      subresource: '',
      namespace: 'shop',
      name: 'web-5d8f-ccccc',
      generateName: 'web-5d8f-',
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-uid' },
      dryRun: false,
      plugin: 'ResourceQuota',
      code: 403,
      reason: 'Forbidden',
      message: quota.replace('{}', 'ccccc'),
      count: 14,
      firstAt: '2025-01-10T10:00:00.000Z',
      lastAt: '2025-01-10T10:03:30.000Z',
    };
    const [refusal] = creatorRefusals([{ object: rs, events: [event('FailedCreate', `Error creating: ${quota.replace('{}', 'aaaaa')}`, '2025-01-10T10:01:00Z')], target }], [remembered]);
    assert.equal(refusal!.source, 'api-server');
    assert.equal(refusal!.user, 'system:serviceaccount:kube-system:replicaset-controller');
    assert.equal(refusal!.count, 14);
    assert.deepEqual(refusal!.target, target);
  });
});

describe('workload diagnosis and refused requests through main/ui', () => {
  let env: InProcessApi;
  let connection: ClusterConnection;
  const apps = (plural: string) => ({ group: 'apps', version: 'v1', plural });
  const create = (resource: { group: string; version: string; plural: string }, obj: unknown) => env.client.resource(resource).create('shop', obj as KubeObject);
  const failedCreate = (owner: KubeObject, message: string, at: string) =>
    create({ group: '', version: 'v1', plural: 'events' }, {
      metadata: { name: `${owner.metadata.name}.${Date.parse(at)}` },
      involvedObject: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name, namespace: 'shop', uid: owner.metadata.uid },
      reason: 'FailedCreate',
      type: 'Warning',
      message,
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      source: { component: 'replicaset-controller' },
    });

  before(async () => {
    env = await startInProcessApi();
    // A cluster whose API server keeps no memory of refusals: only events tell.
    connection = { client: env.client, kinds: catalogKindResolver(env.api.catalog) } as ClusterConnection;
    await env.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'shop' } });
  });
  after(async () => env.close());

  it("a Deployment: only its current ReplicaSet's refusals count; without the memory, events tell", async () => {
    const deployment = await create(apps('deployments'), { metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } });
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata.uid!, controller: true };
    const old = await create(apps('replicasets'), { metadata: { name: 'web-1111', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [owner] }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
    const current = await create(apps('replicasets'), { metadata: { name: 'web-2222', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' }, ownerReferences: [owner] }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } });
    await failedCreate(old, `Error creating: ${quota.replace('{}', 'ooooo').replace('web-5d8f', 'web-1111')}`, '2025-01-10T10:01:00Z');
    const ref = { resource: apps('deployments'), namespace: 'shop', name: 'web' };
    const quiet = await diagnoseWorkload(connection, ref);
    assert.equal(quiet.kind, 'Deployment');
    assert.equal(quiet.summary, '0/2 ready, 0 up-to-date, 0 available; no refused creates');
    assert.deepEqual(quiet.findings, []);

    await failedCreate(current, `Error creating: ${quota.replace('{}', 'ccccc').replace('web-5d8f', 'web-2222')}`, '2025-01-10T10:02:00Z');
    const refused = await diagnoseWorkload(connection, ref);
    assert.equal(refused.summary, '0/2 ready, 0 up-to-date, 0 available; its pod creates are refused (1 refused create)');
    assert.deepEqual(
      refused.findings.map((f) => [f.rule, f.title]),
      [['admission-refused', 'Refused by ResourceQuota']],
    );
    assert.match(refused.findings[0]!.cause, /the ReplicaSet web-2222's create of a Pod \(web-2222-\*\) in namespace shop/);

    const listed = await refusedRequests(connection, 'shop');
    assert.equal(listed.remembered, false);
    assert.deepEqual(
      listed.refusals.map((x) => [x.source, x.stage, x.kind, x.name, x.owner?.name, x.user]),
      [
        ['event', 'ResourceQuota', 'Pod', 'web-2222-*', 'web-2222', undefined],
        ['event', 'ResourceQuota', 'Pod', 'web-1111-*', 'web-1111', undefined],
      ],
    );
  });
});
