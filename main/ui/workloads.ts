// The workload actions kubectl users know: `kubectl scale`,
// `kubectl rollout restart`, `kubectl rollout history` and
// `kubectl rollout undo`, written the way kubectl writes them.

import type { KubeObject, ObjectRef, RolloutRevision } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { BridgeFailure, badRequest } from './bridgeError.ts';

const revisionAnnotation = 'deployment.kubernetes.io/revision';
const changeCauseAnnotation = 'kubernetes.io/change-cause';
const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const replicaSets = { group: 'apps', version: 'v1', plural: 'replicasets' };
const restartable = new Set(['deployments', 'statefulsets', 'daemonsets']);

export async function scale(client: KubeClient, ref: ObjectRef, replicas: number): Promise<void> {
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/merge-patch+json', { spec: { replicas } }, 'scale');
}

export async function restart(client: KubeClient, ref: ObjectRef, now = new Date()): Promise<void> {
  if (!restartable.has(ref.resource.plural)) throw badRequest(`restart works on Deployments, StatefulSets and DaemonSets, not ${ref.resource.plural}`);
  const patch = { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: now.toISOString().replace(/\.\d{3}Z$/, 'Z') } } } } };
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/strategic-merge-patch+json', patch);
}

interface TemplateHolder {
  spec?: { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { containers?: Array<{ image?: string }> } } };
}

function ownedReplicaSets(deployment: KubeObject, all: KubeObject[]): KubeObject[] {
  return all.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === deployment.metadata.uid));
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0);
}

async function deploymentRevisions(client: KubeClient, ref: ObjectRef): Promise<{ deployment: KubeObject; sets: KubeObject[] }> {
  if (ref.resource.plural !== 'deployments') throw badRequest('rollout history and undo work on Deployments here (StatefulSets and DaemonSets keep theirs in ControllerRevisions, not served yet)');
  const deployment = await client.resource(ref.resource).get(ref.namespace, ref.name);
  const list = await client.resource(replicaSets).list(ref.namespace);
  const sets = ownedReplicaSets(deployment, list.items).filter((rs) => revisionOf(rs) > 0);
  sets.sort((a, b) => revisionOf(a) - revisionOf(b));
  return { deployment, sets };
}

export async function history(client: KubeClient, ref: ObjectRef): Promise<RolloutRevision[]> {
  const { deployment, sets } = await deploymentRevisions(client, ref);
  const current = deployment.metadata.annotations?.[revisionAnnotation];
  return sets.map((rs) => {
    const template = (rs as TemplateHolder).spec?.template;
    return {
      revision: revisionOf(rs),
      replicaSet: rs.metadata.name ?? '',
      images: (template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      changeCause: rs.metadata.annotations?.[changeCauseAnnotation],
      createdAt: rs.metadata.creationTimestamp,
      current: current !== undefined && String(revisionOf(rs)) === current,
    };
  });
}

/** kubectl's DeploymentRollbacker: the chosen revision's pod template (without pod-template-hash) becomes the Deployment's. */
export async function rollback(client: KubeClient, ref: ObjectRef, toRevision?: number): Promise<{ revision: number }> {
  const { deployment, sets } = await deploymentRevisions(client, ref);
  const currentRevision = Number(deployment.metadata.annotations?.[revisionAnnotation] ?? 0);
  const target = toRevision ? sets.find((rs) => revisionOf(rs) === toRevision) : [...sets].reverse().find((rs) => revisionOf(rs) < currentRevision);
  if (!target) {
    throw new BridgeFailure(toRevision ? `unable to find the specified revision ${toRevision} in history` : 'no rollout history found: there is no earlier revision to roll back to');
  }
  const template = structuredClone((target as TemplateHolder).spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  await client.resource(ref.resource).patch(ref.namespace, ref.name, 'application/json-patch+json', [{ op: 'replace', path: '/spec/template', value: template }]);
  return { revision: revisionOf(target) };
}
