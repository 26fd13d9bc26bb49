// A StatefulSet member's claims (stateful_set_utils.go): one per
// volumeClaimTemplate, named `<template>-<set>-<ordinal>`, labelled with the
// set's matchLabels, created before the pod and never deleted with it; and
// persistentVolumeClaimRetentionPolicy as owner references, so the garbage
// collector deletes a claim with its set (whenDeleted: Delete) or with its
// scaled-down pod (whenScaled: Delete), as updateClaimOwnerRefForSetAndPod does.

import type { OwnerReference } from '../../kube/meta.ts';
import type { PersistentVolumeClaim } from '../volume/volumeTypes.ts';
import type { Pod, StatefulSet } from '../shared/types.ts';
import { ordinalOf, startOrdinal } from './statefulSetPods.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PersistentVolumeClaim['spec'];
}

function templates(set: StatefulSet): ClaimTemplate[] {
  return (set.spec.volumeClaimTemplates as ClaimTemplate[] | undefined) ?? [];
}

/** getPersistentVolumeClaims: the claims the member with `ordinal` uses. */
export function claimsForOrdinal(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return templates(set).map((template) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: `${template.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`,
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
    },
    spec: deepCopy(template.spec ?? {}),
  }));
}

/** podInOrdinalRange: a member the set still wants (not condemned by a scale-down). */
export function podInOrdinalRange(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + (set.spec.replicas ?? 1);
}

function ownerRef(obj: { apiVersion?: string; kind?: string; metadata: { name?: string; uid?: string } }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' };
}

/** The claim's owner references under the set's retention policy, for the member `pod`. */
export function retentionOwnerReferences(set: StatefulSet, pod: Pod, current: OwnerReference[] = []): OwnerReference[] {
  const policy = (set.spec.persistentVolumeClaimRetentionPolicy as { whenDeleted?: string; whenScaled?: string } | undefined) ?? {};
  const deleteWithSet = policy.whenDeleted === 'Delete';
  const deleteWhenScaled = policy.whenScaled === 'Delete';
  const scaledDown = !podInOrdinalRange(set, pod);
  const others = current.filter((ref) => ref.uid !== set.metadata.uid && ref.uid !== pod.metadata.uid);
  const wanted: OwnerReference[] = [];
  if (deleteWithSet && !(deleteWhenScaled && scaledDown)) wanted.push(ownerRef(set, 'apps/v1', 'StatefulSet'));
  if (deleteWhenScaled && scaledDown) wanted.push(ownerRef(pod, 'v1', 'Pod'));
  return [...others, ...wanted];
}
