// NetworkPolicies (networking.k8s.io/v1): SetDefaults_NetworkPolicy (TCP
// ports, policyTypes from the rules), ValidateNetworkPolicySpec's messages
// and the `kubectl get networkpolicy` columns. PodLab's network-policy
// controller enforces them on the pod network (main/network/policy/).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { isStrictSubset, parseCidr } from '../../kube/cidr.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { GoValue } from '../validation/goSyntax.ts';
import { formatLabelSelectorObject, validateLabelSelectorObject, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { isValidPortName, isValidPortNum } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, objectAt, objectsAt, type JsonObject } from './shared/json.ts';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];
const cidrMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function applyDefaults(policy: KubeObject): void {
  const spec = ensureObject(policy, 'spec');
  ensureObject(spec, 'podSelector');
  for (const direction of ['ingress', 'egress']) {
    for (const rule of objectsAt(spec, direction)) for (const port of objectsAt(rule, 'ports')) port.protocol ??= 'TCP';
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = ['Ingress', ...(objectsAt(spec, 'egress').length > 0 ? ['Egress'] : [])];
  }
}

function validatePort(port: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !protocols.includes(String(port.protocol))) errs.push(notSupported(`${path}.protocol`, port.protocol, protocols));
  const endPort = port.endPort as number | undefined;
  if (port.port === undefined || port.port === null) {
    if (endPort !== undefined) errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    errs.push(...isValidPortNum(port.port).map((msg) => invalid(`${path}.port`, port.port, msg)));
    if (endPort !== undefined) {
      if (endPort < port.port) errs.push(invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(endPort).map((msg) => invalid(`${path}.endPort`, endPort, msg)));
    }
  } else {
    if (endPort !== undefined) errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(String(port.port)).map((msg) => invalid(`${path}.port`, port.port, msg)));
  }
  return errs;
}

function validateIpBlock(block: JsonObject, path: string): FieldError[] {
  const text = typeof block.cidr === 'string' ? block.cidr : '';
  if (!text) return [required(`${path}.cidr`)];
  const cidr = parseCidr(text);
  if (!cidr) return [invalid(`${path}.cidr`, text, cidrMessage)];
  const errs: FieldError[] = [];
  (Array.isArray(block.except) ? (block.except as string[]) : []).forEach((exceptText, i) => {
    const except = parseCidr(String(exceptText));
    if (!except) errs.push(invalid(`${path}.except[${i}]`, exceptText, cidrMessage));
    else if (!isStrictSubset(except, cidr)) errs.push(invalid(`${path}.except[${i}]`, exceptText, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    const selector = objectAt(peer, key);
    if (!selector) continue;
    peers++;
    errs.push(...validateLabelSelectorObject(selector as LabelSelectorObject, `${path}.${key}`));
  }
  const ipBlock = objectAt(peer, 'ipBlock');
  if (ipBlock) {
    peers++;
    errs.push(...validateIpBlock(ipBlock, `${path}.ipBlock`));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validate(policy: KubeObject): FieldError[] {
  const spec = objectAt(policy, 'spec') ?? {};
  const errs: FieldError[] = [...validateLabelSelectorObject(objectAt(spec, 'podSelector') as LabelSelectorObject, 'spec.podSelector')];
  for (const [direction, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    objectsAt(spec, direction).forEach((rule, i) => {
      const path = `spec.${direction}[${i}]`;
      objectsAt(rule, 'ports').forEach((port, j) => errs.push(...validatePort(port, `${path}.ports[${j}]`)));
      objectsAt(rule, peersKey).forEach((peer, j) => errs.push(...validatePeer(peer, `${path}.${peersKey}[${j}]`)));
    });
  }
  const types = Array.isArray(spec.policyTypes) ? (spec.policyTypes as string[]) : [];
  if (types.length > policyTypes.length) {
    errs.push(invalid('spec.policyTypes', new GoValue(`&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((type, i) => {
    if (!policyTypes.includes(type)) errs.push(notSupported(`spec.policyTypes[${i}]`, type, policyTypes));
  });
  return errs;
}

export const networkpolicies: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults,
    validate,
    validateUpdate: (policy) => validate(policy),
    table: {
      columns: [nameColumn(), column('Pod-Selector', 'string', 'Pod selector of the policy.'), ageColumn()],
      row: (policy, now) => {
        const selector = formatLabelSelectorObject(objectAt(objectAt(policy, 'spec'), 'podSelector') as LabelSelectorObject);
        return [policy.metadata.name, selector || '<none>', ageSince(policy.metadata.creationTimestamp, now)];
      },
    },
  },
};
