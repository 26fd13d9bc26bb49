// Services (core/v1): SetDefaults_Service, ValidateService(Update), the
// allocated values (clusterIP, nodePorts) an update may leave out, and the
// `kubectl get services` columns. Allocating new ClusterIPs and NodePorts
// belongs to the service allocator, not to this strategy.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { serviceProxyAction } from '../subresources.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { formatLabels } from '../../kube/labels/labelSelector.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum } from '../validation/names.ts';
import { validateLabels } from '../validation/objectMeta.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, ensureObject, numberAt, objectAt, objectsAt, setDefault, stringAt, stringMapAt, type JsonObject } from './shared/json.ts';
import { validatePortNumOrName } from './shared/podSpecValidation.ts';

export const nodePortRange = { min: 30000, max: 32767 };
const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];

function specOf(svc: KubeObject): JsonObject {
  return ensureObject(svc, 'spec');
}

function clusterIPs(spec: JsonObject): string[] {
  return arrayAt(spec, 'clusterIPs').filter((ip): ip is string => typeof ip === 'string');
}

function isHeadless(spec: JsonObject): boolean {
  return stringAt(spec, 'clusterIP') === 'None' || clusterIPs(spec)[0] === 'None';
}

function externallyAccessible(spec: JsonObject): boolean {
  const type = stringAt(spec, 'type');
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arrayAt(spec, 'externalIPs').length > 0);
}

function applyDefaults(svc: KubeObject): void {
  const spec = specOf(svc);
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of objectsAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  const type = stringAt(spec, 'type');
  if (spec.internalTrafficPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) spec.internalTrafficPolicy = 'Cluster';
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  // A single-stack IPv4 cluster: what the allocator records for every service that gets a ClusterIP.
  if (type !== 'ExternalName') {
    if (arrayAt(spec, 'ipFamilies').length === 0) spec.ipFamilies = ['IPv4'];
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  // clusterIP and clusterIPs[0] are one value in two fields.
  const ip = stringAt(spec, 'clusterIP');
  const ips = clusterIPs(spec);
  if (ip && ips.length === 0) spec.clusterIPs = [ip];
  else if (!ip && ips.length > 0) spec.clusterIP = ips[0];
}

/** patchAllocatedValues: a client that sends the service without its allocated values keeps them. */
function prepareForUpdate(svc: KubeObject, old: KubeObject): void {
  const spec = specOf(svc);
  const oldSpec = specOf(old);
  const needsClusterIP = (s: JsonObject) => stringAt(s, 'type') !== 'ExternalName';
  if (needsClusterIP(spec) && needsClusterIP(oldSpec)) {
    if (!stringAt(spec, 'clusterIP') && stringAt(oldSpec, 'clusterIP')) spec.clusterIP = oldSpec.clusterIP;
    if (clusterIPs(spec).length === 0 && clusterIPs(oldSpec).length > 0) spec.clusterIPs = oldSpec.clusterIPs;
  }
  const needsNodePort = (s: JsonObject) => ['NodePort', 'LoadBalancer'].includes(stringAt(s, 'type'));
  if (needsNodePort(spec) && needsNodePort(oldSpec)) {
    const used = new Set(objectsAt(spec, 'ports').map((p) => numberAt(p, 'nodePort') ?? 0));
    const byName = new Map(objectsAt(oldSpec, 'ports').map((p) => [stringAt(p, 'name'), numberAt(p, 'nodePort') ?? 0]));
    for (const port of objectsAt(spec, 'ports')) {
      const previous = byName.get(stringAt(port, 'name')) ?? 0;
      if (!numberAt(port, 'nodePort') && previous && !used.has(previous)) port.nodePort = previous;
    }
  }
  if (numberAt(spec, 'healthCheckNodePort') === undefined && numberAt(oldSpec, 'healthCheckNodePort') !== undefined) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
  // dropTypeDependentFields: a Service that stops being externally accessible loses the fields only such Services have.
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec)) {
    delete spec.externalTrafficPolicy;
    delete spec.healthCheckNodePort;
    for (const port of objectsAt(spec, 'ports')) delete port.nodePort;
  }
}

function validatePorts(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ports = objectsAt(spec, 'ports');
  const names = new Set<string>();
  const type = stringAt(spec, 'type');
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const path = `spec.ports[${i}]`;
    const name = stringAt(port, 'name');
    if (ports.length > 1 && !name) errs.push(required(`${path}.name`));
    else if (name) {
      errs.push(...isDNS1123Label(name).map((msg) => invalid(`${path}.name`, name, msg)));
      if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    const portNumber = numberAt(port, 'port') ?? 0;
    errs.push(...isValidPortNum(portNumber).map((msg) => invalid(`${path}.port`, portNumber, msg)));
    const protocol = stringAt(port, 'protocol');
    if (!protocol) errs.push(required(`${path}.protocol`));
    else if (!protocols.includes(protocol)) errs.push(notSupported(`${path}.protocol`, protocol, protocols));
    errs.push(...validatePortNumOrName(port.targetPort, `${path}.targetPort`));
    const appProtocol = stringAt(port, 'appProtocol');
    if (appProtocol) errs.push(...isQualifiedName(appProtocol).map((msg) => invalid(`${path}.appProtocol`, appProtocol, msg)));
    const nodePort = numberAt(port, 'nodePort') ?? 0;
    if (nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (nodePort < nodePortRange.min || nodePort > nodePortRange.max) {
        errs.push(invalid(`${path}.nodePort`, nodePort, `provided port is not in the valid range. The range of valid ports is ${nodePortRange.min}-${nodePortRange.max}`));
      }
      const key = `${protocol}/${nodePort}`;
      if (seenNodePorts.has(key)) errs.push(duplicate(`${path}.nodePort`, nodePort));
      seenNodePorts.add(key);
    }
    const key = `${protocol}/${portNumber}`;
    if (seenPorts.has(key)) errs.push(duplicate(path, { port: portNumber, protocol }));
    seenPorts.add(key);
  });
  return errs;
}

function validateClusterIPs(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const type = stringAt(spec, 'type');
  if (type === 'ExternalName') return errs;
  if (stringAt(spec, 'clusterIP') && ips.length > 0 && ips[0] !== stringAt(spec, 'clusterIP')) {
    errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      return;
    }
    errs.push(...isValidIP(ip).map((msg) => invalid(`spec.clusterIPs[${i}]`, ip, msg)));
  });
  const families = arrayAt(spec, 'ipFamilies');
  families.forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, family, ['IPv4', 'IPv6']));
  });
  const policy = stringAt(spec, 'ipFamilyPolicy');
  if (policy && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(policy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  return errs;
}

function validate(svc: KubeObject): FieldError[] {
  const spec = specOf(svc);
  const errs: FieldError[] = [];
  const type = stringAt(spec, 'type');
  if (objectsAt(spec, 'ports').length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(spec)) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPs(spec).length > 0 || stringAt(spec, 'clusterIP')) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arrayAt(spec, 'ipFamilies').length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = stringAt(spec, 'externalName').replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid('spec.externalName', cname, msg)));
    else errs.push(required('spec.externalName'));
  }
  errs.push(...validatePorts(spec));
  errs.push(...validateLabels(stringMapAt(spec, 'selector'), 'spec.selector'));
  const affinity = stringAt(spec, 'sessionAffinity');
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'None' && spec.sessionAffinityConfig !== undefined) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(spec));
  arrayAt(spec, 'externalIPs').forEach((ip, i) => errs.push(...isValidIP(String(ip)).map((msg) => invalid(`spec.externalIPs[${i}]`, ip, msg))));
  if (!type) errs.push(required('spec.type'));
  else if (!serviceTypes.includes(type)) errs.push(notSupported('spec.type', type, serviceTypes));
  const externalPolicy = stringAt(spec, 'externalTrafficPolicy');
  if (!externallyAccessible(spec)) {
    if (externalPolicy) errs.push(invalid('spec.externalTrafficPolicy', externalPolicy, 'may only be set for externally-accessible services'));
  } else if (!externalPolicy) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!['Cluster', 'Local'].includes(externalPolicy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', externalPolicy, ['Cluster', 'Local']));
  }
  const internalPolicy = spec.internalTrafficPolicy;
  if (internalPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) errs.push(required('spec.internalTrafficPolicy'));
  if (internalPolicy !== undefined && internalPolicy !== 'Cluster' && internalPolicy !== 'Local') {
    errs.push(notSupported('spec.internalTrafficPolicy', internalPolicy, ['Cluster', 'Local']));
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary ClusterIP never changes once allocated. */
function validateUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(svc);
  const oldSpec = specOf(old);
  const errs = validate(svc);
  if (stringAt(spec, 'type') === 'ExternalName' || stringAt(oldSpec, 'type') === 'ExternalName') return errs;
  if (isHeadless(spec) && isHeadless(oldSpec)) return errs;
  const ips = clusterIPs(spec);
  const oldIPs = clusterIPs(oldSpec);
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    else if (ips[0] !== oldIPs[0]) errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
  }
  return errs;
}

function externalIPCell(spec: JsonObject, status: JsonObject | undefined): string {
  const externalIPs = arrayAt(spec, 'externalIPs').map(String);
  switch (stringAt(spec, 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = objectsAt(objectAt(status, 'loadBalancer'), 'ingress');
      const lbIPs = [...new Set(ingress.map((i) => stringAt(i, 'ip') || stringAt(i, 'hostname')).filter(Boolean))].sort();
      // Server-side tables are generated wide, so the 16-character clipping of kubectl never applies.
      const all = [...lbIPs, ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return stringAt(spec, 'externalName');
    default:
      return '<unknown>';
  }
}

function portsCell(spec: JsonObject): string {
  const pieces = objectsAt(spec, 'ports').map((p) => {
    const nodePort = numberAt(p, 'nodePort') ?? 0;
    const protocol = stringAt(p, 'protocol');
    return nodePort > 0 ? `${numberAt(p, 'port') ?? 0}:${nodePort}/${protocol}` : `${numberAt(p, 'port') ?? 0}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

export const services: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  namespaced: true,
  categories: ['all'],
  subresources: ['status', 'proxy'],
  actions: { proxy: serviceProxyAction },
  strategy: {
    applyDefaults,
    prepareForCreate: (svc) => {
      svc.status = { loadBalancer: {} };
    },
    prepareForUpdate,
    validate,
    validateUpdate,
    table: {
      columns: [
        nameColumn(),
        column('Type', 'string', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
        column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
        column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
        column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
        ageColumn(),
        column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
      ],
      row(svc, now) {
        const spec = objectAt(svc, 'spec') ?? {};
        return [
          svc.metadata.name,
          stringAt(spec, 'type'),
          clusterIPs(spec)[0] ?? '<none>',
          externalIPCell(spec, objectAt(svc, 'status')),
          portsCell(spec),
          ageSince(svc.metadata.creationTimestamp, now),
          formatLabels(stringMapAt(spec, 'selector')),
        ];
      },
    },
  },
};

