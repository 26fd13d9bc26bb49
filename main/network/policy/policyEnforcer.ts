// PodLab's network-policy controller: watches NetworkPolicies, pods and
// namespaces, works out each pod's isolation (isolation.ts), and enforces it
// in two places. Direct pod-to-pod traffic: the filter rules of each pod's
// own network namespace, written by iptables-restore from a short-lived
// container joined to the pod's sandbox (only when a pod's rules change, or
// its sandbox is new). Service traffic, which the cluster add-on proxies:
// the add-on gets the same table and checks every connection itself. When
// enforcement is impossible (the iptables image cannot be had), each policy
// gets a Warning event saying so: never a silent pass.

import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { PolicyTable } from '../../addon/policy.ts';
import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { Informer } from '../../kube/client/informer.ts';
import type { KubeClient } from '../../kube/client/types.ts';
import { realClock } from '../../kube/clock.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { ensureImagePresent } from '../../runtime/docker/images.ts';
import { CONTAINER_TYPE_SANDBOX, LABEL_CLUSTER, LABEL_CONTAINER_TYPE } from '../../runtime/runtime.ts';
import { computeIsolation, type PolicyObject, type PolicyPod } from './isolation.ts';
import { iptablesRestoreFile } from './iptablesRules.ts';
import { POLICY_IMAGE } from './policyImage.ts';

const COALESCE_MS = 50;
/** A full pass even without changes: a recreated sandbox or add-on needs its rules again. */
const RESYNC_MS = 15_000;

export interface PolicyEnforcerOptions {
  client: KubeClient;
  docker: Docker;
  cluster: string;
  events: EventRecorder;
  /** Addresses every pod may talk to and hear from: the add-on's (it may change) and the gateway. */
  trusted: () => string[];
  /** Receives the isolation table for Service traffic. */
  publish: (table: PolicyTable) => void;
  labels?: Record<string, string>;
  image?: string;
}

interface PodShape extends KubeObject {
  spec?: { hostNetwork?: boolean; containers?: Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }> };
  status?: { phase?: string; podIP?: string };
}

export class PolicyEnforcer {
  private readonly informers: Informer<KubeObject>[];
  private readonly stores = { pods: new Map<string, KubeObject>(), policies: new Map<string, KubeObject>(), namespaces: new Map<string, KubeObject>() };
  /** The rules last written, by pod uid: which sandbox, which file (hash). */
  private readonly applied = new Map<string, { sandbox: string; hash: string }>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Set once the image could not be had: enforcement waits for it, and policies say so. */
  private imageProblem: string | undefined;

  constructor(private readonly options: PolicyEnforcerOptions) {
    const watch = (plural: string, group: string, store: Map<string, KubeObject>) =>
      new Informer(
        options.client.resource({ group, version: 'v1', plural }),
        {
          onAdd: (o) => this.put(store, o),
          onUpdate: (_old, o) => this.put(store, o),
          onDelete: (o) => this.put(store, o, true),
        },
        { clock: realClock, onError: (error, context) => console.error(`network policies: ${context}:`, error) },
        plural,
      );
    this.informers = [watch('pods', '', this.stores.pods), watch('networkpolicies', 'networking.k8s.io', this.stores.policies), watch('namespaces', '', this.stores.namespaces)];
  }

  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    this.resync = setInterval(() => this.schedule(), RESYNC_MS);
    await this.pass();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.resync);
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.running;
  }

  /** Resolves once a pass that started after this call has finished (tests wait on it). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
    await this.pass();
  }

  private put(store: Map<string, KubeObject>, obj: KubeObject, deleted = false): void {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (deleted) store.delete(key);
    else store.set(key, obj);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass();
    }, COALESCE_MS);
  }

  /** One pass at a time; a change during a pass runs another after it. */
  private pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.enforce()
      .catch((error) => console.error('network policies:', error))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.pass();
        }
      });
    return this.running;
  }

  private policyPods(): Array<PolicyPod & { uid: string }> {
    const pods: Array<PolicyPod & { uid: string }> = [];
    for (const pod of this.stores.pods.values() as Iterable<PodShape>) {
      const ip = pod.status?.podIP;
      if (!ip || pod.spec?.hostNetwork || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      pods.push({ uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', ip, labels: pod.metadata.labels ?? {}, ports: (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []) });
    }
    return pods;
  }

  private async enforce(): Promise<void> {
    const policies = [...this.stores.policies.values()] as PolicyObject[];
    const pods = this.policyPods();
    const namespaceLabels = new Map([...this.stores.namespaces.values()].map((n) => [n.metadata.name ?? '', { 'kubernetes.io/metadata.name': n.metadata.name ?? '', ...n.metadata.labels }]));
    const table = computeIsolation(policies, pods, namespaceLabels);
    this.options.publish(table);
    const wanted = pods.filter((pod) => table[pod.ip] || this.applied.has(pod.uid));
    for (const uid of this.applied.keys()) if (!pods.some((p) => p.uid === uid)) this.applied.delete(uid);
    if (wanted.length === 0) return;
    if (!(await this.imageReady(policies))) return;
    const sandboxes = await this.sandboxes();
    const trusted = this.options.trusted();
    for (const pod of wanted) {
      if (this.stopped) return;
      const sandbox = sandboxes.get(pod.ip);
      if (!sandbox) continue;
      const file = iptablesRestoreFile(table[pod.ip], { trusted });
      const hash = createHash('sha256').update(file).digest('hex');
      const before = this.applied.get(pod.uid);
      if (before?.sandbox === sandbox && before.hash === hash) continue;
      try {
        await this.restore(sandbox, file);
        this.applied.set(pod.uid, { sandbox, hash });
      } catch (error) {
        this.warnPolicies(policies, pod, `could not write the rules of pod ${pod.namespace}/${pod.name}: ${(error as Error).message}`);
      }
    }
  }

  /** The cluster's running pod sandboxes by their address: the network namespace that holds a pod IP is the one to filter. */
  private async sandboxes(): Promise<Map<string, string>> {
    const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${this.options.cluster}`, `${LABEL_CONTAINER_TYPE}=${CONTAINER_TYPE_SANDBOX}`], status: ['running'] });
    const found = await this.options.docker.listContainers({ filters });
    const byIp = new Map<string, string>();
    for (const c of found) for (const network of Object.values(c.NetworkSettings?.Networks ?? {})) if (network.IPAddress) byIp.set(network.IPAddress, c.Id);
    return byIp;
  }

  private async imageReady(policies: PolicyObject[]): Promise<boolean> {
    try {
      await ensureImagePresent(this.options.docker, this.options.image ?? POLICY_IMAGE);
      this.imageProblem = undefined;
      return true;
    } catch (error) {
      this.imageProblem = `NetworkPolicies are not enforced: PodLab needs the image ${this.options.image ?? POLICY_IMAGE} to write pods' filter rules and could not get it (${(error as Error).message})`;
      for (const policy of policies) this.warn(policy as KubeObject, 'NotEnforced', this.imageProblem);
      return false;
    }
  }

  private warnPolicies(policies: PolicyObject[], pod: PolicyPod, message: string): void {
    for (const policy of policies) if (policy.metadata.namespace === pod.namespace) this.warn(policy as KubeObject, 'FailedToEnforce', message);
  }

  /** One event per policy version and problem. */
  private warn(policy: KubeObject, reason: string, message: string): void {
    const key = `${policy.metadata.uid}/${policy.metadata.resourceVersion}/${reason}/${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.events.event(policy, 'Warning', reason, message);
  }

  /** iptables-restore in the sandbox's network namespace, fed the file on standard input. */
  private async restore(sandbox: string, file: string): Promise<void> {
    const { docker } = this.options;
    const container = await docker.createContainer({
      Image: this.options.image ?? POLICY_IMAGE,
      Entrypoint: ['iptables-restore'],
      Cmd: [],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStderr: true,
      AttachStdout: true,
      Labels: { ...this.options.labels, [LABEL_CLUSTER]: this.options.cluster, 'podlab.role': 'network-policy' },
      HostConfig: { NetworkMode: `container:${sandbox}`, CapAdd: ['NET_ADMIN', 'NET_RAW'] },
    });
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const output = new PassThrough();
      let text = '';
      output.on('data', (chunk: Buffer) => (text += chunk.toString()));
      docker.modem.demuxStream(stream, output, output);
      await container.start();
      stream.end(file);
      const result = (await container.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) throw new Error(`iptables-restore exited ${result.StatusCode}: ${text.trim()}`);
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }
}
