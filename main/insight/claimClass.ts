// A pod Pending on a claim whose storageClassName names no StorageClass: no
// provisioner will ever make its volume. A claim's class cannot change, so
// the fix replaces the claim with one of the default class (or the only
// one) and creates the pod that waits for it again; both are deleted
// before either is created, since the pod holds the claim.

import type { Finding, Fix } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import { replacePodChange } from './fixBuilders.ts';
import { podRef, type Rule } from './rule.ts';

type Json = KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
/** Annotations the binder and provisioner set on a claim: a new claim gets its own. */
const binderAnnotations = /^(pv\.kubernetes\.io\/|volume\.beta\.kubernetes\.io\/storage-provisioner|volume\.kubernetes\.io\/)/;

/** The class a claim without one gets: the default, else the only class there is. */
export function fallbackClass(classes: KubeObject[]): KubeObject | undefined {
  return classes.find((c) => c.metadata.annotations?.[defaultClassAnnotation] === 'true') ?? (classes.length === 1 ? classes[0] : undefined);
}

/** The claim as a person would create it again, with another class. */
export function claimWithClass(claim: Json, storageClassName: string): KubeObject {
  const { name, namespace, labels, annotations } = claim.metadata;
  const kept = Object.entries(annotations ?? {}).filter(([k]) => !binderAnnotations.test(k));
  const { volumeName: _bound, storageClassName: _old, ...spec } = claim.spec ?? {};
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace, ...(labels && { labels }), ...(kept.length && { annotations: Object.fromEntries(kept) }) }, spec: { ...spec, storageClassName } } as KubeObject;
}

export const claimClass: Rule = (input) => {
  const { pod, related } = input;
  if (!related || pod.status?.phase !== 'Pending') return [];
  const ref = podRef(pod);
  const volumes = ((pod.spec as Json | undefined)?.volumes ?? []) as Json[];
  return volumes.flatMap((volume): Finding[] => {
    const claimName = volume.persistentVolumeClaim?.claimName;
    const claim = related.claims.find((c) => c.metadata.name === claimName) as Json | undefined;
    const className = claim?.spec?.storageClassName;
    if (!claim || claim.status?.phase !== 'Pending' || !className || related.storageClasses.some((c) => c.metadata.name === className)) return [];
    const target = fallbackClass(related.storageClasses);
    const classes = related.storageClasses.map((c) => `${c.metadata.name}${c.metadata.annotations?.[defaultClassAnnotation] === 'true' ? ' (default)' : ''}`).join(', ') || 'none';
    const owned = pod.metadata.ownerReferences?.some((o) => o.controller);
    const fixes: Fix[] =
      target && !owned
        ? [
            {
              title: `Replace claim ${claimName} with one of StorageClass ${target.metadata.name}, and pod ${ref.name}`,
              explanation: `A claim's storageClassName cannot change, so claim ${claimName} is deleted and created again with storageClassName ${target.metadata.name} (${target.metadata.annotations?.[defaultClassAnnotation] === 'true' ? 'the default class' : 'the only class'}); pod ${ref.name} holds the claim, so it is deleted first and created again from its spec. The claim held no data: it was never bound. Change your manifest the same way, or the next apply brings ${className} back.`,
              changes: [{ action: 'replace', object: claimWithClass(claim, target.metadata.name ?? '') }, replacePodChange()],
            },
          ]
        : [];
    return [
      {
        rule: 'claim-storageclass',
        severity: 'error',
        title: `Claim ${claimName} asks for StorageClass "${className}", which does not exist`,
        cause: `The pod waits for claim ${claimName}, and no provisioner will ever make a volume for it: this cluster has no StorageClass ${className} (it has ${classes}). The scheduler holds the pod until the claim is bound.${owned && target ? ' Its controller would create a new pod holding the claim at once, so replace the claim yourself: scale the workload to 0, delete and re-create the claim with storageClassName ' + target.metadata.name + ', then scale back.' : ''}`,
        evidence: [{ label: `Claim ${claimName}`, text: `Pending, storageClassName ${className}` }, { label: 'StorageClasses', text: classes }],
        next: [
          { what: 'See the claim\'s ProvisioningFailed events', command: `kubectl describe pvc ${claimName} -n ${ref.namespace}` },
          { what: 'See the classes this cluster has', command: 'kubectl get storageclass' },
        ],
        ...(fixes.length > 0 && { fixes }),
      },
    ];
  });
};
