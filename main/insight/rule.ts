// What every diagnosis rule reads and returns. Rules are pure: the same pod,
// events, nodes and previous logs always give the same findings.

import type { ContainerProbeRuns, Finding } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';
import type { PodRef } from './kubectlCommands.ts';
import type { EventView, NodeView, PodView } from './podView.ts';
import { byRecency } from './podView.ts';

export type { Finding };

export interface DiagnosisInput {
  pod: PodView;
  /** Events whose involvedObject is this pod. */
  events: EventView[];
  nodes: NodeView[];
  /** The last lines each container's last finished instance printed, by container name: the previous instance, or the current one when it has terminated without a restart (a Job's failed attempt). */
  previousLogs: Record<string, string[]>;
  /** The objects the pod leans on, where the gatherer read them (absent in the cluster-wide Problems pass). */
  related?: RelatedObjects;
  /** The kubelet's kept probe runs (PodLab's own kubelets only). */
  probeRuns?: ContainerProbeRuns[];
  /** Recent authorization denials of the pod's service account: PodLab's API server's memory of them, or the 403s the pod's log and events quote. */
  denials?: SeenDenial[];
}

/** A denial as the debugger knows it: from PodLab's API server (no `seenIn`), or read from text and checked with a SubjectAccessReview. */
export interface SeenDenial extends AuthorizationDenial {
  /** Where the 403 was quoted, when no API server memory of it exists: `the pod's log`, `its events`. */
  seenIn?: string;
  /** What a SubjectAccessReview for the same request answered now; `unchecked` says why none could be made. */
  review?: { allowed: false; reason?: string } | { unchecked: string };
}

/** The objects of the pod's namespace (and the cluster's StorageClasses) that some rules read; each list may be empty. */
export interface RelatedObjects {
  /** The pod's controller and the one above it (a Job; a ReplicaSet and its Deployment), nearest first. */
  owners: KubeObject[];
  configMaps: KubeObject[];
  claims: KubeObject[];
  storageClasses: KubeObject[];
  services: KubeObject[];
  ingresses: KubeObject[];
}

export type Rule = (input: DiagnosisInput, now: Date) => Finding[];

export function podRef(pod: PodView): PodRef {
  return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' };
}

/** The newest events with one of these reasons (and, when given, a message matching). */
export function eventsWith(events: EventView[], reasons: string[], message?: RegExp): EventView[] {
  return byRecency(events).filter((e) => reasons.includes(e.reason ?? '') && (!message || message.test(e.message ?? '')));
}

export function eventEvidence(event: EventView): { label: string; text: string } {
  const count = event.count && event.count > 1 ? ` (x${event.count})` : '';
  return { label: `Event ${event.reason}${count}`, text: event.message ?? '' };
}
