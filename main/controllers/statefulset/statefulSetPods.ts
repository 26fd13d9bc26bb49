// A StatefulSet pod's identity (statefulset/stateful_set_utils.go): its name
// `<set>-<ordinal>`, its hostname and subdomain (so the headless Service's DNS
// gives it a stable name), its pod-name and pod-index labels, its revision
// label, and the volumes its claim templates give it. Also the health
// predicates the ordered rollout waits on.

import { newControllerRef } from '../shared/controllerRef.ts';
import { isPodAvailable, isPodReady } from '../shared/podUtil.ts';
import { podFromTemplate } from '../shared/podTemplate.ts';
import { statefulSetKind } from '../shared/resources.ts';
import type { Pod, StatefulSet } from '../shared/types.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export const revisionLabel = 'controller-revision-hash';

const statefulPodName = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: ordinal -1 when the name has none. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const match = statefulPodName.exec(pod.metadata.name ?? '');
  if (!match) return { parent: '', ordinal: -1 };
  const ordinal = Number(match[2]);
  return { parent: match[1], ordinal: Number.isSafeInteger(ordinal) ? ordinal : -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal;
}

export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function revisionOf(pod: Pod): string {
  return pod.metadata.labels?.[revisionLabel] ?? '';
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[podNameLabel] === pod.metadata.name &&
    pod.metadata.labels?.[podIndexLabel] === String(ordinal)
  );
}

/** updateIdentity: the labels that say which member a pod is. */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [podNameLabel]: pod.metadata.name ?? '', [podIndexLabel]: String(ordinal) };
}

/** updateStorage: one volume per claim template, naming the claim `<template>-<pod>`. */
function updateStorage(set: StatefulSet, pod: Pod): void {
  const templates = (set.spec.volumeClaimTemplates as Array<{ metadata?: { name?: string } }> | undefined) ?? [];
  if (templates.length === 0) return;
  const claimVolumes = templates.map((claim) => {
    const name = claim.metadata?.name ?? '';
    return { name, persistentVolumeClaim: { claimName: `${name}-${pod.metadata.name}` } };
  });
  const names = new Set(claimVolumes.map((v) => v.name));
  const others = (pod.spec.volumes ?? []).filter((v) => !names.has(v.name));
  pod.spec.volumes = [...claimVolumes, ...others];
}

function initIdentity(set: StatefulSet, pod: Pod, ordinal: number, revision: string): Pod {
  pod.metadata.name = podName(set, ordinal);
  delete pod.metadata.generateName;
  updateIdentity(set, pod);
  pod.metadata.labels![revisionLabel] = revision;
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/** newStatefulSetPod at `revision`, from the set's template. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(set.spec.template, set.metadata.namespace ?? '', set.metadata.name ?? '', newControllerRef(set, statefulSetKind));
  return initIdentity(set, pod, ordinal, revision);
}

/**
 * A new member at an older revision, copied from a sibling that runs it.
 * Kubernetes rebuilds old templates from ControllerRevisions, which PodLab
 * does not serve; a sibling at that revision carries the same template.
 */
export function podLikeSibling(set: StatefulSet, sibling: Pod, ordinal: number): Pod {
  const spec = deepCopy(sibling.spec);
  delete spec.nodeName;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: set.metadata.namespace,
      labels: { ...(sibling.metadata.labels ?? {}) },
      ownerReferences: [newControllerRef(set, statefulSetKind)],
      ...(sibling.metadata.annotations ? { annotations: { ...sibling.metadata.annotations } } : {}),
      ...(sibling.metadata.finalizers ? { finalizers: [...sibling.metadata.finalizers] } : {}),
    },
    spec,
  };
  return initIdentity(set, pod, ordinal, revisionOf(sibling));
}

/** Known to the API (a pod only built in memory has no phase yet). */
export function isCreated(pod: Pod): boolean {
  return !!pod.status?.phase;
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !pod.metadata.deletionTimestamp;
}
