// The seed's best practices as advice on one pod and its workload: run pods
// from a controller, set requests and limits, give long-running containers
// probes, do not run as root, pin image versions, keep a replica up through
// disruptions, and pass Pod Security's restricted level. Each piece of
// advice says why and, where a change is clear, carries its fix (which the
// debugger previews and proves like any other).

import type { Finding, Fix } from '../../preload/api.ts';
import { evaluatePod, aggregate } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import type { PodSpec } from '../kube/types/core-v1.ts';
import { containerSpecFix, createFix, podSpecFix } from './fixBuilders.ts';
import { restrictedPatch } from './podSecurityFix.ts';
import type { ContainerView, PodView } from './podView.ts';

export interface PracticeInput {
  pod: PodView;
  /** The object a person edits for this pod (Deployment over ReplicaSet); absent for a pod no controller owns. */
  owner?: { kind: string; name: string; replicas?: number; selector?: Record<string, string> };
  /** A PodDisruptionBudget selects the pod. */
  disruptionBudget: boolean;
}

const batchOwners = new Set(['Job', 'CronJob']);

function advice(rule: string, title: string, cause: string, fixes: Fix[] = [], severity: Finding['severity'] = 'info'): Finding {
  return { rule: `practice-${rule}`, severity, title, cause, evidence: [], next: [], ...(fixes.length > 0 && { fixes }) };
}

function isLatest(image: string | undefined): boolean {
  if (!image || image.includes('@')) return false;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return !tag || tag === 'latest';
}

function controllerFix(pod: PodView): Fix {
  const name = pod.metadata.name ?? 'app';
  const labels = { ...(pod.metadata.labels ?? {}), 'app.kubernetes.io/name': name };
  const spec = Object.fromEntries(Object.entries(pod.spec ?? {}).filter(([k]) => k !== 'nodeName'));
  return createFix(
    `Run ${name} from a Deployment`,
    `A Deployment keeps the pod running: it replaces it when it fails, when its node goes, and on every change, one replica at a time. After the Deployment's pod is Ready, delete the bare pod (kubectl delete pod ${name}).`,
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: pod.metadata.namespace, labels },
        spec: { replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: { metadata: { labels }, spec } },
      } as never,
    ],
  );
}

function resourcesAdvice(containers: ContainerView[]): Finding[] {
  const withoutRequests = containers.filter((c) => !c.resources?.requests?.cpu || !c.resources?.requests?.memory);
  const withoutLimits = containers.filter((c) => !c.resources?.limits?.memory);
  const findings: Finding[] = [];
  if (withoutRequests.length) {
    findings.push(
      advice(
        'requests',
        `No resource requests on ${withoutRequests.map((c) => c.name).join(', ')}`,
        'Without requests the scheduler places the pod as if it needed nothing, so a node can fill up with pods that then starve each other, and the pod is the first evicted under memory pressure (QoS BestEffort). Request what the container uses at rest; kubectl top shows it.',
        withoutRequests.map((c) =>
          containerSpecFix(`Request 100m CPU and 64Mi memory for ${c.name}`, 'A modest starting point; adjust it to what kubectl top shows once the pod has run for a while.', c.name, {
            resources: { requests: { cpu: c.resources?.requests?.cpu ?? '100m', memory: c.resources?.requests?.memory ?? '64Mi' } },
          }),
        ),
      ),
    );
  }
  if (withoutLimits.length) {
    findings.push(
      advice(
        'limits',
        `No memory limit on ${withoutLimits.map((c) => c.name).join(', ')}`,
        'Without a memory limit a leak in one container takes memory from every pod on the node until the kernel kills something. A limit confines the damage to the container itself (OOMKilled, restarted).',
        withoutLimits.map((c) =>
          containerSpecFix(`Limit ${c.name} to 256Mi of memory`, 'Room above a typical request; lower it once kubectl top shows what the container really needs, and raise it if it is OOMKilled.', c.name, {
            resources: { limits: { memory: '256Mi' } },
          }),
        ),
      ),
    );
  }
  return findings;
}

function probesAdvice(containers: ContainerView[]): Finding[] {
  const unprobed = containers.filter((c) => !c.readinessProbe && !c.livenessProbe);
  if (!unprobed.length) return [];
  const fixes = unprobed.flatMap((c) => {
    const port = c.ports?.find((p) => p.containerPort)?.containerPort;
    return port
      ? [containerSpecFix(`Check ${c.name} is ready by connecting to port ${port}`, 'A readiness probe keeps the pod out of its Services until the program accepts connections, and during rollouts the old pod serves until the new one does.', c.name, { readinessProbe: { tcpSocket: { port }, periodSeconds: 10 } })]
      : [];
  });
  return [
    advice(
      'probes',
      `No readiness or liveness probe on ${unprobed.map((c) => c.name).join(', ')}`,
      'Without a readiness probe the pod gets traffic as soon as its process starts, before it can answer; without a liveness probe a hung program is never restarted. Probe an endpoint that says the program works.',
      fixes,
    ),
  ];
}

function rootAdvice(pod: PodView): Finding[] {
  const spec = (pod.spec ?? {}) as PodSpec;
  const podNonRoot = spec.securityContext?.runAsNonRoot === true || (spec.securityContext?.runAsUser ?? 0) > 0;
  const rootContainers = (spec.containers ?? []).filter((c) => !(c.securityContext?.runAsNonRoot === true || (c.securityContext?.runAsUser ?? (podNonRoot ? 1 : 0)) > 0));
  const privileged = (spec.containers ?? []).filter((c) => c.securityContext?.privileged);
  const findings: Finding[] = [];
  if (privileged.length) {
    findings.push(advice('privileged', `Privileged: ${privileged.map((c) => c.name).join(', ')}`, 'A privileged container has every capability and every device of the node: a compromise of it is a compromise of the node. Grant only the capabilities it needs instead.', [], 'warning'));
  }
  if (rootContainers.length) {
    findings.push(
      advice(
        'root',
        `Runs as root: ${rootContainers.map((c) => c.name).join(', ')}`,
        'Nothing in the pod keeps its processes from running as UID 0, so a breakout from the container starts as root. Run as a non-root user; if the image needs root to start, the check after the fix shows it (the container then fails), and the image needs changing.',
        [
          podSpecFix('Run the pod as user 1000 (runAsNonRoot)', 'The kubelet then refuses to start any container as root. Files the program writes must be writable by that user.', {
            securityContext: { ...(spec.securityContext ?? {}), runAsNonRoot: true, runAsUser: spec.securityContext?.runAsUser && spec.securityContext.runAsUser > 0 ? spec.securityContext.runAsUser : 1000 },
          }),
        ],
        'warning',
      ),
    );
  }
  return findings;
}

function podSecurityAdvice(pod: PodView): Finding[] {
  const spec = (pod.spec ?? {}) as PodSpec;
  // Pod Security reads labels and annotations only (the AppArmor and seccomp ones).
  const meta = { labels: pod.metadata.labels, annotations: pod.metadata.annotations };
  const baseline = aggregate(evaluatePod({ level: 'baseline', version: 'latest' }, meta, spec));
  const restricted = aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, meta, spec));
  if (restricted.allowed) return [];
  const level = baseline.allowed ? 'baseline' : 'privileged';
  const missing = baseline.allowed ? restricted.forbiddenDetail : baseline.forbiddenDetail;
  const { patch, remaining } = restrictedPatch(pod);
  const fixes = patch && !remaining
    ? [podSpecFix('Set the securityContext that passes restricted', 'Runs as a non-root user (1000 where the pod names none) with the RuntimeDefault seccomp profile, no privilege escalation and no capabilities. A program that needs root or writes where only root may write fails then, and the check after applying shows it.', patch)]
    : [];
  return [
    advice(
      'pod-security',
      `Pod Security: passes ${level}, not restricted`,
      `A namespace enforcing restricted (the standard for workloads that need no special rights) would refuse this pod: ${restricted.forbiddenDetail}.${level === 'privileged' ? ` Even baseline refuses it: ${missing}.` : ''}${remaining ? ` No securityContext changes this part: ${remaining}.` : ''} Label a namespace pod-security.kubernetes.io/warn=restricted to see this on every write.`,
      fixes,
    ),
  ];
}

export function bestPractices(input: PracticeInput): Finding[] {
  const { pod, owner } = input;
  const containers = pod.spec?.containers ?? [];
  const findings: Finding[] = [];
  if (!owner) {
    findings.push(
      advice('controller', 'Not run by a controller', 'A bare pod is not replaced when it fails, is evicted, or its node goes: run it from a Deployment (or a StatefulSet, DaemonSet or Job, as fits) so Kubernetes keeps it running.', [controllerFix(pod)], 'warning'),
    );
  }
  findings.push(...resourcesAdvice(containers));
  if (!owner || !batchOwners.has(owner.kind)) findings.push(...probesAdvice(containers));
  findings.push(...rootAdvice(pod));
  const latest = containers.filter((c) => isLatest(c.image));
  if (latest.length) {
    findings.push(
      advice('latest-tag', `Image without a pinned version: ${latest.map((c) => `${c.name} (${c.image})`).join(', ')}`, ':latest (or no tag) names whatever was pushed last: two nodes can run different code under one name, and a rollback cannot go back. Pin a version tag or a digest.'),
    );
  }
  if (owner?.selector && (owner.kind === 'Deployment' || owner.kind === 'StatefulSet') && !input.disruptionBudget) {
    const single = (owner.replicas ?? 1) <= 1;
    findings.push(
      advice(
        'disruption',
        single ? `${owner.kind} ${owner.name} has a single replica and no disruption budget` : `${owner.kind} ${owner.name} has no disruption budget`,
        single
          ? 'A node drain or upgrade evicts the only pod, and the app is down until its replacement is Ready elsewhere. Run two replicas with a PodDisruptionBudget of minAvailable 1.'
          : 'A node drain may evict all its pods at once. A PodDisruptionBudget (minAvailable: 1, or maxUnavailable: 1) makes drains wait so some replicas always serve.',
        [
          {
            title: `${single ? 'Run 2 replicas and k' : 'K'}eep at least one available during disruptions`,
            explanation: `A PodDisruptionBudget named ${owner.name} selecting the ${owner.kind}'s pods${single ? ', and spec.replicas 2 so one can be evicted while the other serves' : ''}.`,
            changes: [
              ...(single ? [{ action: 'ownerPatch' as const, patch: { spec: { replicas: 2 } } }] : []),
              {
                action: 'create' as const,
                object: {
                  apiVersion: 'policy/v1',
                  kind: 'PodDisruptionBudget',
                  metadata: { name: owner.name, namespace: pod.metadata.namespace },
                  spec: { minAvailable: 1, selector: { matchLabels: owner.selector } },
                } as never,
              },
            ],
          },
        ],
      ),
    );
  }
  findings.push(...podSecurityAdvice(pod));
  return findings;
}
