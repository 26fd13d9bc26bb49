// The pod conditions the kubelet owns, as pkg/kubelet/status/generate.go:
// PodReadyToStartContainers, Initialized, Ready, ContainersReady (and
// PodScheduled, always True once a kubelet runs the pod). Reasons and
// messages are Kubernetes' own, lists printed the way Go prints []string.

import { goList } from '../kube/goFormat.ts';
import { hasAnyRegularContainerStarted } from './podPhase.ts';
import { isRestartableInitContainer, type ContainerStatus, type Pod, type PodCondition, type PodStatus } from './types.ts';

type Phase = NonNullable<PodStatus['phase']>;

/** Conditions whose type the kubelet generates; every other condition on the pod is kept as it is. */
export const KUBELET_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);


function condition(type: string, status: PodCondition['status'], reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function find(statuses: ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

export function containersReadyCondition(pod: Pod, statuses: ContainerStatus[], phase: Phase): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const relevant = [...(pod.spec.initContainers ?? []).filter(isRestartableInitContainer), ...pod.spec.containers];
  for (const container of relevant) {
    const status = find(statuses, container.name);
    if (!status) unknown.push(container.name);
    else if (!status.ready) unready.push(container.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return condition('ContainersReady', 'False', 'PodCompleted');
  if (phase === 'Failed') return condition('ContainersReady', 'False', 'PodFailed');
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length > 0) return condition('ContainersReady', 'False', 'ContainersNotReady', messages.join(', '));
  return condition('ContainersReady', 'True');
}

export function podReadyCondition(pod: Pod, conditions: PodCondition[], statuses: ContainerStatus[], phase: Phase): PodCondition {
  const containersReady = containersReadyCondition(pod, statuses, phase);
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const messages: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (messages.length > 0) return condition('Ready', 'False', 'ReadinessGatesNotReady', messages.join(', '));
  return condition('Ready', 'True');
}

export function initializedCondition(pod: Pod, statuses: ContainerStatus[], phase: Phase): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const container of pod.spec.initContainers ?? []) {
    const status = find(statuses, container.name);
    if (!status) {
      unknown.push(container.name);
      continue;
    }
    const initialized = isRestartableInitContainer(container) ? status.started === true : status.ready;
    if (!initialized) incomplete.push(container.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return condition('Initialized', 'True', 'PodCompleted');
  if (hasAnyRegularContainerStarted(pod, statuses)) return condition('Initialized', 'True');
  const messages: string[] = [];
  if (unknown.length > 0) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length > 0) return condition('Initialized', 'False', 'ContainersNotInitialized', messages.join(', '));
  return condition('Initialized', 'True');
}

export function readyToStartContainersCondition(sandboxReady: boolean): PodCondition {
  return condition('PodReadyToStartContainers', sandboxReady ? 'True' : 'False');
}

/** Every condition of the new status: the ones others own, kept, then the kubelet's in Kubernetes' order. */
export function podConditions(pod: Pod, old: PodStatus, statuses: ContainerStatus[], phase: Phase, sandboxReady: boolean): PodCondition[] {
  const kept = (pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type) && c.type !== 'DisruptionTarget');
  const disruption = (old.conditions ?? []).find((c) => c.type === 'DisruptionTarget') ?? (pod.status?.conditions ?? []).find((c) => c.type === 'DisruptionTarget');
  const conditions = [...kept];
  if (disruption) conditions.push(disruption);
  conditions.push(readyToStartContainersCondition(sandboxReady));
  conditions.push(initializedCondition(pod, statuses, phase));
  conditions.push(podReadyCondition(pod, conditions, statuses, phase));
  conditions.push(containersReadyCondition(pod, statuses, phase));
  conditions.push(condition('PodScheduled', 'True'));
  return conditions;
}
