// The refused creates of the controllers that make a workload's pods (a
// Deployment's ReplicaSets, a StatefulSet, a DaemonSet, a Job, a CronJob and
// its Jobs): from the API server's memory when it has them (structured, who
// and why), else from the controllers' FailedCreate events, the only record
// any cluster keeps. A controller whose latest create succeeded after its
// latest failure is no longer refused.

import type { AdmissionDenial } from '../apiserver/admission/admissionDenials.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { PodSpec } from '../kube/types/core-v1.ts';
import type { ObjectMeta } from '../kube/types/meta-v1.ts';
import { failedCreateError, parseRefusalMessage, refusalFromDenial, refusedObjectName, type EditTarget, type Refusal } from './admissionRefusal.ts';
import { byRecency, eventTime, type EventView } from './podView.ts';

export interface PodCreator {
  /** The object whose controller creates (a ReplicaSet, StatefulSet, DaemonSet, Job, or a CronJob creating Jobs). */
  object: KubeObject;
  /** Its events (FailedCreate and SuccessfulCreate are read). */
  events: EventView[];
  /** What the user edits: the Deployment of a ReplicaSet, the CronJob of a Job, else the creator itself. */
  target: EditTarget;
}

/** The pod template a creator makes pods from. */
export function podTemplateOf(obj: KubeObject): { metadata: ObjectMeta; spec: PodSpec } | undefined {
  const template = (obj.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec } } | undefined)?.template;
  return template?.spec ? { metadata: template.metadata ?? {}, spec: template.spec } : undefined;
}

/** Controllers that name their pods from their own name (generateName `NAME-`); a StatefulSet names them `NAME-0`. */
const generatingKinds = new Set(['ReplicaSet', 'DaemonSet', 'Job', 'ReplicationController']);

function stillRefused(events: EventView[]): EventView[] {
  const failed = byRecency(events.filter((e) => e.reason === 'FailedCreate'));
  if (failed.length === 0) return [];
  const succeeded = byRecency(events.filter((e) => e.reason === 'SuccessfulCreate'))[0];
  if (succeeded && Date.parse(eventTime(succeeded)) > Date.parse(eventTime(failed[0]!))) return [];
  return failed;
}

function fromEvents(creator: PodCreator, failed: EventView[]): Refusal[] {
  const kind = creator.object.kind ?? '';
  const namespace = creator.object.metadata.namespace ?? '';
  const createsJobs = kind === 'CronJob';
  // One refusal per distinct error; a controller's retries differ only in the pod's generated name.
  const groups = new Map<string, EventView[]>();
  for (const event of failed) {
    const error = failedCreateError(event.message ?? '');
    const key = error.replace(/^([a-z0-9.-]+) "[^"]*"/, '$1');
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const template = podTemplateOf(creator.object);
  return [...groups.values()].map((events) => {
    const newest = events[0]!;
    const error = failedCreateError(newest.message ?? '');
    const { plugin, cause } = parseRefusalMessage(error);
    const named = refusedObjectName(error);
    const oldest = events[events.length - 1]!;
    return {
      source: 'event',
      message: error,
      plugin,
      cause,
      operation: 'CREATE',
      object: {
        group: createsJobs ? 'batch' : '',
        kind: createsJobs ? 'Job' : 'Pod',
        resource: createsJobs ? 'jobs' : 'pods',
        namespace,
        name: named?.name ?? '',
        ...(!createsJobs && generatingKinds.has(kind) ? { generateName: `${creator.object.metadata.name}-` } : {}),
      },
      owner: { kind, name: creator.object.metadata.name ?? '', uid: creator.object.metadata.uid },
      dryRun: false,
      count: events.reduce((sum, e) => sum + (e.count ?? 1), 0),
      firstAt: oldest.firstTimestamp || eventTime(oldest),
      lastAt: eventTime(newest),
      target: creator.target,
      ...(template && !createsJobs ? { template } : {}),
    } satisfies Refusal;
  });
}

/** Each creator's current refusals: remembered ones first-hand, else its FailedCreate events. */
export function creatorRefusals(creators: PodCreator[], denials?: AdmissionDenial[]): Refusal[] {
  return creators.flatMap((creator) => {
    const failed = stillRefused(creator.events);
    const remembered = (denials ?? []).filter((d) => d.owner?.uid === creator.object.metadata.uid && d.operation === 'CREATE');
    // The memory may not hold what only events still show (a restart of PodLab, or a long-refused controller).
    if (remembered.length > 0 && (failed.length > 0 || creator.events.length === 0)) {
      const template = podTemplateOf(creator.object);
      return remembered.map((d) => ({ ...refusalFromDenial(d, creator.target), ...(template && d.kind === 'Pod' ? { template } : {}) }));
    }
    return failed.length > 0 ? fromEvents(creator, failed) : [];
  });
}
