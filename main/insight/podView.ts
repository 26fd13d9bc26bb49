// The fields of pods, events and nodes the debugger and the pod views read,
// typed loosely: objects come from the API as JSON and any field may be absent.

import type { KubeObject } from '../kube/meta.ts';

export interface ContainerStateView {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatusView {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerStateView;
  lastState?: ContainerStateView;
}

export interface ProbeView {
  httpGet?: { path?: string; port?: number | string; host?: string; scheme?: string };
  tcpSocket?: { port?: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port?: number; service?: string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface ContainerView {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort?: number; protocol?: string }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: ProbeView;
  readinessProbe?: ProbeView;
  startupProbe?: ProbeView;
  restartPolicy?: string;
}

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface TaintView {
  key: string;
  value?: string;
  effect: string;
  /** RFC 3339; set on NoExecute taints, where eviction counts from it. */
  timeAdded?: string;
}

export interface PodView extends KubeObject {
  spec?: {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    tolerations?: Array<{ key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }>;
    containers?: ContainerView[];
    initContainers?: ContainerView[];
    /** Debugging containers added by `kubectl debug` (pods/ephemeralcontainers); `targetContainerName` shares its processes. */
    ephemeralContainers?: Array<ContainerView & { targetContainerName?: string }>;
    volumes?: Array<{ name: string; configMap?: { name?: string; optional?: boolean }; secret?: { secretName?: string; optional?: boolean }; emptyDir?: object }>;
    restartPolicy?: string;
    serviceAccountName?: string;
    runtimeClassName?: string;
  };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: ConditionView[];
    containerStatuses?: ContainerStatusView[];
    initContainerStatuses?: ContainerStatusView[];
    ephemeralContainerStatuses?: ContainerStatusView[];
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    qosClass?: string;
  };
}

export interface EventView extends KubeObject {
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
}

export interface NodeView extends KubeObject {
  spec?: { taints?: TaintView[]; unschedulable?: boolean; podCIDR?: string };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: ConditionView[];
    addresses?: Array<{ type: string; address: string }>;
    nodeInfo?: Record<string, string>;
    /** The images on the node, as its kubelet reports them (names include tags and digests). */
    images?: Array<{ names?: string[]; sizeBytes?: number }>;
  };
}

/** When an event last happened: lastTimestamp, else the newer events.k8s.io eventTime, else its creation. */
export function eventTime(event: EventView): string {
  return event.lastTimestamp || event.eventTime || event.firstTimestamp || event.metadata.creationTimestamp || '';
}

/** Newest first. */
export function byRecency(events: EventView[]): EventView[] {
  return [...events].sort((a, b) => Date.parse(eventTime(b) || '0') - Date.parse(eventTime(a) || '0'));
}

export function allContainerStatuses(pod: PodView): ContainerStatusView[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

export function containerSpec(pod: PodView, name: string): ContainerView | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
}
