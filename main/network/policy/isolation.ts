// Which traffic NetworkPolicies allow, per pod, as the NetworkPolicy API
// defines it: a pod selected by a policy with policyTypes Ingress (Egress) is
// isolated in that direction, and then allowed only what the union of its
// policies' rules allows; a rule's peers are pods (podSelector in the
// policy's namespace, namespaceSelector, or both), or ipBlocks; empty `from`
// / `to` means every peer, empty ports every port. Named ports resolve
// against the destination pod's container ports.

import { labelsMatch } from '../../kube/labels/labelSelector.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import type { AllowRule, PodIsolation, PolicyPeer, PolicyPort, PolicyTable } from '../../addon/policy.ts';

export interface PolicyPod {
  namespace: string;
  name: string;
  ip: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

interface PeerSpec {
  podSelector?: LabelSelectorObject;
  namespaceSelector?: LabelSelectorObject;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PortSpec {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface RuleSpec {
  from?: PeerSpec[];
  to?: PeerSpec[];
  ports?: PortSpec[];
}

export interface PolicyObject {
  metadata: { namespace?: string; name?: string };
  spec?: { podSelector?: LabelSelectorObject; policyTypes?: string[]; ingress?: RuleSpec[]; egress?: RuleSpec[] };
}

function selects(selector: LabelSelectorObject | undefined, labels: Record<string, string>): boolean {
  try {
    const requirements = labelSelectorObjectToRequirements(selector ?? {});
    return requirements !== undefined && labelsMatch(requirements, labels);
  } catch {
    // A selector the API would have refused selects nothing.
    return false;
  }
}

/** The pods a peer names (its ipBlock aside). */
function peerPods(peer: PeerSpec, policyNamespace: string, pods: PolicyPod[], namespaceLabels: Map<string, Record<string, string>>): PolicyPod[] {
  if (!peer.podSelector && !peer.namespaceSelector) return [];
  return pods.filter((pod) => {
    const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels.get(pod.namespace) ?? {}) : pod.namespace === policyNamespace;
    return inNamespace && (!peer.podSelector || selects(peer.podSelector, pod.labels));
  });
}

/** A port spec on one destination pod: a number range, or a named port looked up there (none: matches nothing). */
function resolvePort(spec: PortSpec, destination: PolicyPod | undefined): PolicyPort | undefined {
  const protocol = (spec.protocol ?? 'TCP') as PolicyPort['protocol'];
  if (spec.port === undefined) return { protocol };
  if (typeof spec.port === 'number') return { protocol, port: spec.port, ...(spec.endPort !== undefined ? { endPort: spec.endPort } : {}) };
  const named = destination?.ports.find((p) => p.name === spec.port && (p.protocol ?? 'TCP') === protocol);
  return named ? { protocol, port: named.containerPort } : undefined;
}

const hasNamedPort = (rule: RuleSpec) => (rule.ports ?? []).some((p) => typeof p.port === 'string');

function peersOf(specs: PeerSpec[] | undefined, policyNamespace: string, pods: PolicyPod[], namespaceLabels: Map<string, Record<string, string>>): PolicyPeer[] | undefined {
  if (!specs || specs.length === 0) return undefined;
  return specs.flatMap((peer) =>
    peer.ipBlock ? [{ cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except?.length ? { except: peer.ipBlock.except } : {}) }] : peerPods(peer, policyNamespace, pods, namespaceLabels).map((p) => ({ cidr: `${p.ip}/32` })),
  );
}

function ingressRule(rule: RuleSpec, policyNamespace: string, self: PolicyPod, pods: PolicyPod[], namespaceLabels: Map<string, Record<string, string>>): AllowRule {
  const peers = peersOf(rule.from, policyNamespace, pods, namespaceLabels);
  const ports = rule.ports?.length ? rule.ports.map((p) => resolvePort(p, self)).filter((p): p is PolicyPort => p !== undefined) : undefined;
  return { ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
}

/** Egress rules; one with a named port becomes one rule per destination pod, where the name has a number. */
function egressRules(rule: RuleSpec, policyNamespace: string, pods: PolicyPod[], namespaceLabels: Map<string, Record<string, string>>): AllowRule[] {
  const peers = peersOf(rule.to, policyNamespace, pods, namespaceLabels);
  if (!hasNamedPort(rule)) {
    const ports = rule.ports?.length ? rule.ports.map((p) => resolvePort(p, undefined)).filter((p): p is PolicyPort => p !== undefined) : undefined;
    return [{ ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) }];
  }
  const destinations = rule.to?.length ? rule.to.flatMap((peer) => peerPods(peer, policyNamespace, pods, namespaceLabels)) : pods;
  return destinations.map((pod) => ({ peers: [{ cidr: `${pod.ip}/32` }], ports: (rule.ports ?? []).map((p) => resolvePort(p, pod)).filter((p): p is PolicyPort => p !== undefined) }));
}

/** Every isolated pod IP with what its policies allow. */
export function computeIsolation(policies: PolicyObject[], pods: PolicyPod[], namespaceLabels: Map<string, Record<string, string>>): PolicyTable {
  const table: PolicyTable = {};
  for (const pod of pods) {
    const isolation: PodIsolation = {};
    for (const policy of policies) {
      const namespace = policy.metadata.namespace ?? '';
      if (namespace !== pod.namespace || !selects(policy.spec?.podSelector, pod.labels)) continue;
      const types = policy.spec?.policyTypes ?? ['Ingress'];
      if (types.includes('Ingress')) (isolation.ingress ??= []).push(...(policy.spec?.ingress ?? []).map((r) => ingressRule(r, namespace, pod, pods, namespaceLabels)));
      if (types.includes('Egress')) (isolation.egress ??= []).push(...(policy.spec?.egress ?? []).flatMap((r) => egressRules(r, namespace, pods, namespaceLabels)));
    }
    if (isolation.ingress || isolation.egress) table[pod.ip] = isolation;
  }
  return table;
}
