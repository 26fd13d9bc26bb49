// What a port forward points at, as kubectl port-forward reads it: `pod/NAME`
// (or a bare NAME), `svc/NAME`, `deploy/NAME`, with `[LOCAL:]REMOTE` ports.
// A Service's REMOTE is one of its ports, forwarded to that port's
// targetPort; a pod's or Deployment's REMOTE is a container port, by number
// or name. Unlike kubectl, the pod is looked up again when a connection
// finds it gone, not ready or replaced, so a forward to a Service or a
// Deployment keeps working across `kubectl delete pod` and rollouts.

import type { KubeObject } from '../../kube/meta.ts';
import { labelSelectorToString } from '../../kube/labels/labelSelector.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import { DEPLOYMENTS, ObjectNotFound, PODS, SERVICES, type ObjectReader } from './objectReader.ts';

export type TargetKind = 'pod' | 'service' | 'deployment';

export interface ForwardTarget {
  kind: TargetKind;
  name: string;
}

export interface PortPair {
  /** 0: any free port. */
  local: number;
  /** A number, or a container port name (pods, Deployments). */
  remote: number | string;
}

export class ForwardError extends Error {}

const KINDS: Record<string, TargetKind> = {
  pod: 'pod',
  pods: 'pod',
  po: 'pod',
  svc: 'service',
  service: 'service',
  services: 'service',
  deploy: 'deployment',
  deployment: 'deployment',
  deployments: 'deployment',
};

export function parseTarget(text: string): ForwardTarget {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!text) throw new ForwardError('a pod, service or deployment to forward to is required');
    return { kind: 'pod', name: text };
  }
  const kind = KINDS[text.slice(0, slash).toLowerCase().replace(/\.(apps|v1)$/, '')];
  const name = text.slice(slash + 1);
  if (!kind || !name) throw new ForwardError(`cannot forward to "${text}": use pod/NAME, svc/NAME or deploy/NAME`);
  return { kind, name };
}

/** `8080:80`, `:80` (any local port), `80` (the same port on both sides), `8080:http`. */
export function parsePorts(text: string): PortPair {
  const [localText, remoteText, extra] = text.includes(':') ? text.split(':') : [text, text];
  if (extra !== undefined || !remoteText) throw new ForwardError(`invalid port "${text}": use [LOCAL:]REMOTE`);
  if (!text.includes(':') && !/^\d+$/.test(text)) throw new ForwardError(`a named port needs a local port: use LOCAL:${text}`);
  const local = localText === '' ? 0 : Number(localText);
  if (!Number.isInteger(local) || local < 0 || local > 65535) throw new ForwardError(`invalid local port "${localText}" in "${text}"`);
  if (/^\d+$/.test(remoteText)) {
    const remote = Number(remoteText);
    if (remote < 1 || remote > 65535) throw new ForwardError(`invalid remote port "${remoteText}" in "${text}"`);
    return { local: text.includes(':') ? local : remote, remote };
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(remoteText) || remoteText.length > 15) throw new ForwardError(`invalid remote port "${remoteText}" in "${text}"`);
  return { local, remote: remoteText };
}

/** One pod and the container port a connection goes to. */
export interface ResolvedPod {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  port: number;
}

interface PodLike extends KubeObject {
  spec?: { containers?: Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }> };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> };
}

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

export class TargetResolver {
  private current: ResolvedPod | undefined;

  constructor(
    private readonly reader: ObjectReader,
    private readonly namespace: string,
    private readonly target: ForwardTarget,
    private readonly remote: number | string,
  ) {}

  /** The pod for the next connection: the current one while it is still fit, else a new choice. */
  async resolve(): Promise<ResolvedPod> {
    if (this.current && (await this.stillFit(this.current))) return this.current;
    this.current = await this.choose();
    return this.current;
  }

  private async stillFit(pod: ResolvedPod): Promise<boolean> {
    try {
      const latest = (await this.reader.get(PODS, this.namespace, pod.name)) as PodLike;
      return latest.metadata.uid === pod.uid && latest.status?.podIP === pod.ip && usable(latest, this.target.kind !== 'pod');
    } catch (error) {
      if (error instanceof ObjectNotFound) return false;
      throw error;
    }
  }

  private async choose(): Promise<ResolvedPod> {
    const { kind, name } = this.target;
    if (kind === 'pod') {
      const pod = (await this.get(PODS, name, 'pod')) as PodLike;
      if (!usable(pod, false)) throw new ForwardError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Unknown'}`);
      return this.toResolved(pod, containerPort(pod, this.remote));
    }
    if (kind === 'service') {
      const service = await this.get(SERVICES, name, 'service');
      const spec = (service.spec ?? {}) as { selector?: Record<string, string>; ports?: ServicePort[] };
      const port = (spec.ports ?? []).find((p) => p.port === this.remote || (p.name && p.name === this.remote));
      if (!port) throw new ForwardError(`Service ${name} does not have a service port ${this.remote}`);
      if (!spec.selector || Object.keys(spec.selector).length === 0) throw new ForwardError(`invalid service '${name}': Service is defined without a selector`);
      const pod = await this.pickPod(selectorString({ matchLabels: spec.selector }), `service/${name}`);
      const target = port.targetPort ?? port.port;
      return this.toResolved(pod, typeof target === 'number' ? target : containerPort(pod, target));
    }
    const deployment = await this.get(DEPLOYMENTS, name, 'deployment');
    const selector = (deployment.spec as { selector?: LabelSelectorObject } | undefined)?.selector;
    const pod = await this.pickPod(selectorString(selector ?? {}), `deployment/${name}`);
    return this.toResolved(pod, containerPort(pod, this.remote));
  }

  private async get(ref: typeof PODS, name: string, what: string): Promise<KubeObject> {
    try {
      return await this.reader.get(ref, this.namespace, name);
    } catch (error) {
      if (error instanceof ObjectNotFound) throw new ForwardError(`${what}s "${name}" not found in namespace "${this.namespace}"`);
      throw error;
    }
  }

  /** A running, ready pod the selector matches: the one ready the longest, as kubectl prefers the most active pod. */
  private async pickPod(selector: string, owner: string): Promise<PodLike> {
    const pods = ((await this.reader.list(PODS, this.namespace, selector)) as PodLike[]).filter((pod) => usable(pod, true));
    pods.sort((a, b) => readySince(a).localeCompare(readySince(b)) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    const pod = pods[0];
    if (!pod) throw new ForwardError(`no running and ready pod for ${owner}`);
    return pod;
  }

  private toResolved(pod: PodLike, port: number): ResolvedPod {
    return { namespace: this.namespace, name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', ip: pod.status?.podIP ?? '', port };
  }
}

function selectorString(selector: LabelSelectorObject): string {
  return labelSelectorToString(labelSelectorObjectToRequirements(selector) ?? []);
}

/** Running, with an IP, not being deleted, and (when asked) Ready. */
function usable(pod: PodLike, mustBeReady: boolean): boolean {
  if (pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running' || !pod.status.podIP) return false;
  return !mustBeReady || pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

function readySince(pod: PodLike): string {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '';
}

function containerPort(pod: PodLike, remote: number | string): number {
  if (typeof remote === 'number') return remote;
  for (const container of pod.spec?.containers ?? []) {
    const port = container.ports?.find((p) => p.name === remote && (p.protocol ?? 'TCP') === 'TCP');
    if (port) return port.containerPort;
  }
  throw new ForwardError(`Pod '${pod.metadata.name}' does not have a named port '${remote}'`);
}
