// The workload actions kubectl users know: `kubectl scale`,
// `kubectl rollout restart`, `kubectl rollout history` and
// `kubectl rollout undo`, `kubectl create job --from=cronjob/NAME` and
// suspending a CronJob or Job, written the way kubectl writes them.

import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectRef, RolloutRevision } from '../../preload/api.ts';
import { templateChanges, type TemplateShape } from './templateChanges.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { BridgeFailure, badRequest } from './bridgeError.ts';

const revisionAnnotation = 'deployment.kubernetes.io/revision';
const changeCauseAnnotation = 'kubernetes.io/change-cause';
const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const replicaSets = { group: 'apps', version: 'v1', plural: 'replicasets' };
const controllerRevisions = { group: 'apps', version: 'v1', plural: 'controllerrevisions' };
const jobs = { group: 'batch', version: 'v1', plural: 'jobs' };
const restartable = new Set(['deployments', 'statefulsets', 'daemonsets']);
const suspendable = new Set(['cronjobs', 'jobs']);

export async function scale(client: KubeClient, ref: ObjectRef, replicas: number): Promise<void> {
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/merge-patch+json', { spec: { replicas } }, 'scale');
}

export async function restart(client: KubeClient, ref: ObjectRef, now = new Date()): Promise<void> {
  if (!restartable.has(ref.resource.plural)) throw badRequest(`restart works on Deployments, StatefulSets and DaemonSets, not ${ref.resource.plural}`);
  const patch = { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: now.toISOString().replace(/\.\d{3}Z$/, 'Z') } } } } };
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/strategic-merge-patch+json', patch);
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Array<{ image?: string }> };
}

/** One revision of a workload's pod template, wherever its controller keeps it. */
interface Revision {
  revision: number;
  holder: KubeObject;
  template?: PodTemplate;
}

function controlledBy(owner: KubeObject, all: KubeObject[]): KubeObject[] {
  return all.filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
}

/** A Deployment's revisions are its ReplicaSets, numbered by the deployment.kubernetes.io/revision annotation. */
async function deploymentRevisions(client: KubeClient, deployment: KubeObject): Promise<Revision[]> {
  const list = await client.resource(replicaSets).list(deployment.metadata.namespace);
  return controlledBy(deployment, list.items)
    .map((rs) => ({ revision: Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0), holder: rs, template: (rs as { spec?: { template?: PodTemplate } }).spec?.template }))
    .filter((r) => r.revision > 0);
}

/** A DaemonSet's or StatefulSet's revisions are ControllerRevisions whose data is a patch holding spec.template. */
async function controllerRevisionsOf(client: KubeClient, owner: KubeObject): Promise<Revision[]> {
  const list = await client.resource(controllerRevisions).list(owner.metadata.namespace);
  return controlledBy(owner, list.items).map((cr) => {
    const { revision, data } = cr as KubeObject & { revision?: number; data?: { spec?: { template?: PodTemplate } } };
    return { revision: revision ?? 0, holder: cr, template: data?.spec?.template };
  });
}

async function revisionsOf(client: KubeClient, ref: ObjectRef): Promise<{ owner: KubeObject; revisions: Revision[]; current: number }> {
  const owner = await client.resource(ref.resource).get(ref.namespace, ref.name);
  let revisions: Revision[];
  let current: number;
  if (ref.resource.plural === 'deployments') {
    revisions = await deploymentRevisions(client, owner);
    current = Number(owner.metadata.annotations?.[revisionAnnotation] ?? 0);
  } else if (ref.resource.plural === 'daemonsets' || ref.resource.plural === 'statefulsets') {
    revisions = await controllerRevisionsOf(client, owner);
    // The newest revision is the one the controller is rolling out (status.updateRevision for StatefulSets).
    current = Math.max(0, ...revisions.map((r) => r.revision));
  } else {
    throw badRequest(`rollout history and undo work on Deployments, DaemonSets and StatefulSets, not ${ref.resource.plural}`);
  }
  revisions.sort((a, b) => a.revision - b.revision);
  return { owner, revisions, current };
}

export async function history(client: KubeClient, ref: ObjectRef): Promise<RolloutRevision[]> {
  const { revisions, current } = await revisionsOf(client, ref);
  return revisions.map((r, i) => ({
    revision: r.revision,
    source: r.holder.metadata.name ?? '',
    images: (r.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    changeCause: r.holder.metadata.annotations?.[changeCauseAnnotation],
    createdAt: r.holder.metadata.creationTimestamp,
    current: r.revision === current,
    ...(i > 0 && { changes: templateChanges(revisions[i - 1]!.template as TemplateShape, r.template as TemplateShape) }),
  }));
}

/**
 * kubectl's rollbackers: a Deployment gets the chosen ReplicaSet's pod
 * template (without pod-template-hash); a DaemonSet or StatefulSet gets the
 * ControllerRevision's data applied as a strategic merge patch.
 */
export async function rollback(client: KubeClient, ref: ObjectRef, toRevision?: number): Promise<{ revision: number }> {
  const { revisions, current } = await revisionsOf(client, ref);
  const target = toRevision ? revisions.find((r) => r.revision === toRevision) : [...revisions].reverse().find((r) => r.revision < current);
  if (!target) {
    throw new BridgeFailure(toRevision ? `unable to find the specified revision ${toRevision} in history` : 'no rollout history found: there is no earlier revision to roll back to');
  }
  if (ref.resource.plural === 'deployments') {
    const template = structuredClone(target.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
    await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/json-patch+json', [{ op: 'replace', path: '/spec/template', value: template }]);
  } else {
    const data = (target.holder as { data?: unknown }).data ?? {};
    await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/strategic-merge-patch+json', data);
  }
  return { revision: target.revision };
}

interface CronJob extends KubeObject {
  spec?: { jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
}

/** The name a manual run gets, `<cronjob>-manual-<5 chars>`, kept within the 63 characters a job-name label allows. */
export function manualJobName(cronJob: string, suffix = randomBytes(3).toString('hex').slice(0, 5)): string {
  return `${cronJob.slice(0, 63 - '-manual-'.length - suffix.length)}-manual-${suffix}`;
}

/** kubectl create job NAME --from=cronjob/CJ: the CronJob's job template, owned by the CronJob, marked as a manual run. */
export async function triggerCronJob(client: KubeClient, ref: ObjectRef): Promise<{ job: string }> {
  if (ref.resource.plural !== 'cronjobs') throw badRequest(`only a CronJob can be run now, not ${ref.resource.plural}`);
  const cronJob = (await client.resource(ref.resource).get(ref.namespace, ref.name)) as CronJob;
  const template = cronJob.spec?.jobTemplate ?? {};
  const name = manualJobName(ref.name);
  await client.resource(jobs).create(ref.namespace, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...template.metadata?.annotations },
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: ref.name, uid: cronJob.metadata.uid ?? '', controller: true }],
    },
    spec: template.spec ?? {},
  });
  return { job: name };
}

export async function setSuspended(client: KubeClient, ref: ObjectRef, suspend: boolean): Promise<void> {
  if (!suspendable.has(ref.resource.plural)) throw badRequest(`suspend works on CronJobs and Jobs, not ${ref.resource.plural}`);
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/merge-patch+json', { spec: { suspend } });
}
