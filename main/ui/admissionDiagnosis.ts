// The guided debugger for workloads and refused requests: a workload whose
// controller's pod creates are refused (its ReplicaSets', or its own,
// FailedCreate events, or the API server's memory), and the writes admission
// refused lately in a namespace. Both gather the controllers, their events
// and what the rules check against, then run the admission rules.

import type { ObjectRef, RefusedRequest, RefusedRequests, ResourceType, WorkloadDiagnosis } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { AdmissionDenial } from '../apiserver/admission/admissionDenials.ts';
import { withWebhookSource } from '../insight/admissionCluster.ts';
import { isPersonsRecentRefusal } from '../insight/admissionRefusals.ts';
import { editTarget, refusalFromDenial, type EditTarget, type Refusal } from '../insight/admissionRefusal.ts';
import { creatorRefusals, podTemplateOf, type PodCreator } from '../insight/creatorRefusals.ts';
import { diagnoseRefusal } from '../insight/diagnoseRefusal.ts';
import type { EventView } from '../insight/podView.ts';
import { admissionSnapshot } from './admissionSnapshot.ts';
import type { ClusterConnection } from './uiHost.ts';

const workloadResources: Record<string, ResourceType> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets' },
  Job: { group: 'batch', version: 'v1', plural: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', plural: 'cronjobs' },
  ReplicationController: { group: '', version: 'v1', plural: 'replicationcontrollers' },
};
const events: ResourceType = { group: '', version: 'v1', plural: 'events' };
const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** Refused requests listed at once: the newest; older ones are in the memory still. */
const shownRefusals = 30;

function kindOf(obj: KubeObject, resource: ResourceType): string {
  return obj.kind ?? Object.entries(workloadResources).find(([, r]) => r.group === resource.group && r.plural === resource.plural)?.[0] ?? '';
}

async function get(client: KubeClient, resource: ResourceType | undefined, namespace: string, name: string): Promise<KubeObject | undefined> {
  if (!resource) return undefined;
  try {
    const obj = await client.resource(resource).get(namespace, name);
    return { ...obj, kind: kindOf(obj, resource) };
  } catch {
    return undefined;
  }
}

async function eventsOf(client: KubeClient, obj: KubeObject): Promise<EventView[]> {
  try {
    return (await client.resource(events).list(obj.metadata.namespace, { fieldSelector: `involvedObject.uid=${obj.metadata.uid}` })).items as EventView[];
  } catch {
    return [];
  }
}

function controllerOf(obj: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** What a person edits for a controller: a ReplicaSet's Deployment, a Job's CronJob, else the controller itself. */
async function editTargetFor(client: KubeClient, obj: KubeObject): Promise<EditTarget> {
  const namespace = obj.metadata.namespace ?? '';
  const owner = controllerOf(obj);
  if (owner && (owner.kind === 'Deployment' || owner.kind === 'CronJob')) {
    const top = await get(client, workloadResources[owner.kind], namespace, owner.name);
    if (top) return editTarget(owner.kind, workloadResources[owner.kind]!.plural, namespace, owner.name);
  }
  const kind = obj.kind ?? '';
  return editTarget(kind, workloadResources[kind]?.plural ?? '', namespace, obj.metadata.name ?? '');
}

function ownedBy(items: KubeObject[], owner: KubeObject): KubeObject[] {
  return items.filter((i) => controllerOf(i)?.uid === owner.metadata.uid);
}

/** The controllers that create the workload's pods (or, for a CronJob, its Jobs and their pods). */
async function creatorsOf(client: KubeClient, workload: KubeObject, target: EditTarget): Promise<PodCreator[]> {
  const namespace = workload.metadata.namespace ?? '';
  let creators = [workload];
  if (workload.kind === 'Deployment') {
    const replicaSets = (await client.resource(workloadResources.ReplicaSet!).list(namespace)).items.map((rs) => ({ ...rs, kind: 'ReplicaSet' }));
    // The ReplicaSet of the Deployment's current template is the one to fix: an old one still short of pods
    // only waits for the new pods to become available, and old ones scaled to zero create nothing.
    const active = ownedBy(replicaSets, workload).filter((rs) => ((rs.spec as { replicas?: number } | undefined)?.replicas ?? 1) > 0);
    const revision = workload.metadata.annotations?.[revisionAnnotation];
    const current = revision ? active.filter((rs) => rs.metadata.annotations?.[revisionAnnotation] === revision) : [];
    creators = current.length > 0 ? current : active;
  } else if (workload.kind === 'CronJob') {
    const jobs = (await client.resource(workloadResources.Job!).list(namespace)).items.map((job) => ({ ...job, kind: 'Job' }));
    creators = [workload, ...ownedBy(jobs, workload).filter((job) => !(job.status as { completionTime?: string } | undefined)?.completionTime)];
  }
  return Promise.all(creators.map(async (object) => ({ object, events: await eventsOf(client, object), target })));
}

function summaryOf(w: KubeObject): string {
  const spec = (w.spec ?? {}) as { replicas?: number };
  const status = (w.status ?? {}) as Record<string, number | string | undefined>;
  const n = (field: string) => Number(status[field] ?? 0);
  switch (w.kind) {
    case 'Deployment':
      return `${n('readyReplicas')}/${spec.replicas ?? 1} ready, ${n('updatedReplicas')} up-to-date, ${n('availableReplicas')} available`;
    case 'DaemonSet':
      return `${n('numberReady')}/${n('desiredNumberScheduled')} ready`;
    case 'Job':
      return `${n('active')} active, ${n('succeeded')} succeeded, ${n('failed')} failed`;
    case 'CronJob':
      return `last scheduled ${status.lastScheduleTime ?? 'never'}`;
    default:
      return `${n('readyReplicas')}/${spec.replicas ?? 1} ready`;
  }
}

async function findingsFor(connection: ClusterConnection, refusals: Refusal[], now: Date) {
  const snapshot = await admissionSnapshot(connection.client, connection.kinds, refusals);
  return refusals.map((r) => {
    const refusal = withWebhookSource(r, snapshot);
    return { refusal, findings: diagnoseRefusal(refusal, snapshot, now) };
  });
}

export async function diagnoseWorkload(connection: ClusterConnection, ref: ObjectRef, now = new Date()): Promise<WorkloadDiagnosis> {
  const { client } = connection;
  const namespace = ref.namespace ?? '';
  const found = await client.resource(ref.resource).get(namespace, ref.name);
  const workload = { ...found, kind: kindOf(found, ref.resource) };
  const target = await editTargetFor(client, workload);
  const creators = await creatorsOf(client, workload, target);
  const refusals = creatorRefusals(creators, connection.admissionDenials?.(namespace));
  const diagnosed = await findingsFor(connection, refusals, now);
  const refused = refusals.reduce((sum, r) => sum + r.count, 0);
  return {
    namespace,
    kind: workload.kind,
    name: ref.name,
    summary: `${summaryOf(workload)}; ${refused > 0 ? `its pod creates are refused (${refused} refused create${refused === 1 ? '' : 's'})` : 'no refused creates'}`,
    findings: diagnosed.flatMap((d) => d.findings),
  };
}

/** A remembered refusal, with the workload to edit when a controller made the request. */
async function rememberedRefusal(client: KubeClient, d: Parameters<typeof refusalFromDenial>[0], owners: Map<string, Promise<KubeObject | undefined>>): Promise<Refusal> {
  if (!d.owner) return refusalFromDenial(d);
  let owner = owners.get(d.owner.uid);
  if (!owner) owners.set(d.owner.uid, (owner = get(client, workloadResources[d.owner.kind], d.namespace, d.owner.name)));
  const object = await owner;
  if (!object) return refusalFromDenial(d);
  const template = podTemplateOf(object);
  return { ...refusalFromDenial(d, await editTargetFor(client, object)), ...(template && d.kind === 'Pod' ? { template } : {}) };
}

/** A FailedCreate's controller, when the API server remembers nothing (a cluster that is not PodLab's). */
async function eventCreators(client: KubeClient, namespace: string | undefined): Promise<PodCreator[]> {
  let failed: EventView[];
  try {
    failed = (await client.resource(events).list(namespace, { fieldSelector: 'reason=FailedCreate' })).items as EventView[];
  } catch {
    return [];
  }
  const seen = new Map<string, EventView>();
  for (const e of failed) if (e.involvedObject?.uid && !seen.has(e.involvedObject.uid)) seen.set(e.involvedObject.uid, e);
  const creators = await Promise.all(
    [...seen.values()].slice(0, shownRefusals).map(async (e) => {
      const object = await get(client, workloadResources[e.involvedObject?.kind ?? ''], e.involvedObject?.namespace ?? '', e.involvedObject?.name ?? '');
      return object ? { object, events: await eventsOf(client, object), target: await editTargetFor(client, object) } : undefined;
    }),
  );
  return creators.filter((c): c is PodCreator => !!c);
}

/** Whether the refusal no longer holds: the object exists now, or the controller that asked no longer does. */
async function resolution(connection: ClusterConnection, r: Refusal): Promise<string | undefined> {
  if (r.operation !== 'CREATE' || r.dryRun) return undefined;
  if (r.owner) {
    const owner = await get(connection.client, workloadResources[r.owner.kind], r.object.namespace, r.owner.name);
    if (!owner || (owner.metadata.uid && r.owner.uid && owner.metadata.uid !== r.owner.uid)) return `${r.owner.kind} ${r.owner.name} no longer exists.`;
    if ((owner.spec as { replicas?: number } | undefined)?.replicas === 0) return `${r.owner.kind} ${r.owner.name} is scaled to 0: it creates no more pods.`;
    return undefined;
  }
  if (r.object.generateName || !r.object.name || !r.object.version) return undefined;
  const obj = await get(connection.client, { group: r.object.group, version: r.object.version, plural: r.object.resource }, r.object.namespace, r.object.name);
  return obj ? `${r.object.kind} ${r.object.name} exists now (created ${obj.metadata.creationTimestamp}): a later create was admitted.` : undefined;
}

/** Remembered refusals, with the workloads to edit for controllers' requests. */
function rememberedRefusals(client: KubeClient, denials: AdmissionDenial[]): Promise<Refusal[]> {
  const owners = new Map<string, Promise<KubeObject | undefined>>();
  return Promise.all(denials.map((d) => rememberedRefusal(client, d, owners)));
}

/** Refusals as the views show them, explained; `unresolvedOnly` drops those a later write made good before their findings are built. */
async function explained(connection: ClusterConnection, refusals: Refusal[], now: Date, unresolvedOnly: boolean): Promise<RefusedRequest[]> {
  const checked = await Promise.all(refusals.map(async (refusal) => ({ refusal, resolved: await resolution(connection, refusal) })));
  const kept = unresolvedOnly ? checked.filter((c) => !c.resolved) : checked;
  const diagnosed = await findingsFor(connection, kept.map((c) => c.refusal), now);
  return diagnosed.map(({ refusal: r, findings }, i) => {
    const resolved = kept[i]!.resolved;
    return {
      ...(r.user ? { user: r.user } : {}),
      operation: r.operation,
      kind: r.object.kind,
      ...(r.object.namespace ? { namespace: r.object.namespace } : {}),
      name: r.object.generateName ? `${r.object.generateName}*` : r.object.name,
      ...(r.object.generateName ? { generateName: r.object.generateName } : {}),
      ...(r.owner ? { owner: { kind: r.owner.kind, name: r.owner.name } } : {}),
      dryRun: r.dryRun,
      stage: r.plugin || 'unknown',
      message: r.message,
      count: r.count,
      ...(r.firstAt ? { firstAt: r.firstAt } : {}),
      ...(r.lastAt ? { lastAt: r.lastAt } : {}),
      source: r.source,
      ...(resolved ? { resolved } : {}),
      findings,
    };
  });
}

export async function refusedRequests(connection: ClusterConnection, namespace: string | undefined, now = new Date()): Promise<RefusedRequests> {
  const { client } = connection;
  const remembered = connection.admissionDenials !== undefined;
  let refusals: Refusal[];
  if (connection.admissionDenials) {
    refusals = await rememberedRefusals(client, connection.admissionDenials(namespace).slice(0, shownRefusals));
  } else {
    // Newest first, as the memory lists them.
    refusals = creatorRefusals(await eventCreators(client, namespace)).sort((a, b) => Date.parse(b.lastAt ?? '') - Date.parse(a.lastAt ?? ''));
  }
  return { remembered, refusals: await explained(connection, refusals, now, false) };
}

/**
 * The remembered refusals the Problems view lists (a person's real writes,
 * lately, not made good since), chosen from the memory first: controllers'
 * refusals, dry runs and old ones cost no read.
 */
export async function personsRefusals(connection: ClusterConnection, namespace: string | undefined, now = new Date()): Promise<RefusedRequest[]> {
  if (!connection.admissionDenials) return [];
  const denials = connection.admissionDenials(namespace).filter((d) => isPersonsRecentRefusal(d, now)).slice(0, shownRefusals);
  return explained(connection, await rememberedRefusals(connection.client, denials), now, true);
}
