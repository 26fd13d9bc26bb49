// Ingresses (networking.k8s.io/v1): ValidateIngressCreate/Update and the
// `kubectl get ingress` columns (printers.go printIngress).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { GoValue } from '../validation/goSyntax.ts';
import { isDNS1035Label, isDNS1123Subdomain, isIPv4, isIPv6, isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, objectsAt, stringAt, type JsonObject } from './shared/json.ts';

export const ingressClassAnnotation = 'kubernetes.io/ingress.class';
const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validateBackend(backend: JsonObject, path: string): FieldError[] {
  const service = objectAt(backend, 'service');
  const resource = objectAt(backend, 'resource');
  if (service && resource) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) {
    const errs: FieldError[] = [];
    const apiGroup = resource.apiGroup;
    if (typeof apiGroup === 'string') for (const msg of isDNS1123Subdomain(apiGroup)) errs.push(invalid(`${path}.resource.apiGroup`, apiGroup, msg));
    for (const key of ['kind', 'name']) {
      const value = stringAt(resource, key);
      if (!value) errs.push(required(`${path}.resource.${key}`));
      else for (const msg of isValidPathSegmentName(value)) errs.push(invalid(`${path}.resource.${key}`, value, msg));
    }
    return errs;
  }
  if (!service) return [invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = stringAt(service, 'name');
  if (!name) errs.push(required(`${path}.service.name`));
  else for (const msg of isDNS1035Label(name)) errs.push(invalid(`${path}.service.name`, name, msg));
  const port = objectAt(service, 'port') ?? {};
  const portName = stringAt(port, 'name');
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) for (const msg of isValidPortName(portName)) errs.push(invalid(`${path}.service.port.name`, portName, msg));
  else if (portNumber) for (const msg of isValidPortNum(portNumber)) errs.push(invalid(`${path}.service.port.number`, portNumber, msg));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validatePath(entry: JsonObject, path: string): FieldError[] {
  const pathType = entry.pathType;
  if (pathType === undefined || pathType === null) return [required(`${path}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = stringAt(entry, 'path');
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(`${path}.path`, value, 'must be an absolute path'));
    if (value) {
      for (const sequence of invalidPathSequences) if (value.includes(sequence)) errs.push(invalid(`${path}.path`, value, `must not contain '${sequence}'`));
      for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(invalid(`${path}.path`, value, `cannot end with '${suffix}'`));
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(invalid(`${path}.path`, value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(`${path}.pathType`, pathType, pathTypes));
  }
  return [...errs, ...validateBackend(objectAt(entry, 'backend') ?? {}, `${path}.backend`)];
}

function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

function validateHost(host: string, path: string): FieldError[] {
  const check = host.includes('*') ? isWildcardDNS1123Subdomain : isDNS1123Subdomain;
  return check(host).map((msg) => invalid(path, host, msg));
}

function validateSpec(ingress: KubeObject): FieldError[] {
  const spec = objectAt(ingress, 'spec') ?? {};
  const rules = objectsAt(spec, 'rules');
  const errs: FieldError[] = [];
  const defaultBackend = objectAt(spec, 'defaultBackend');
  if (rules.length === 0 && !defaultBackend) {
    // Kubernetes prints the (internal) rules slice with Go's %#v.
    const printed = new GoValue(Array.isArray(spec.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)');
    errs.push(invalid('spec', printed, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (defaultBackend) errs.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const host = stringAt(rule, 'host');
    if (host) {
      if (isIP(host)) errs.push(invalid(`spec.rules[${i}].host`, host, 'must be a DNS name, not an IP address'));
      errs.push(...validateHost(host, `spec.rules[${i}].host`));
    }
    const http = objectAt(rule, 'http');
    if (!http) return;
    const paths = objectsAt(http, 'paths');
    if (paths.length === 0) errs.push(required(`spec.rules[${i}].http.paths`));
    paths.forEach((entry, j) => errs.push(...validatePath(entry, `spec.rules[${i}].http.paths[${j}]`)));
  });
  objectsAt(spec, 'tls').forEach((tls, i) => {
    (Array.isArray(tls.hosts) ? tls.hosts : []).forEach((host, j) => {
      if (typeof host === 'string') errs.push(...validateHost(host, `spec.tls[${i}].hosts[${j}]`));
    });
    const secretName = stringAt(tls, 'secretName');
    if (secretName) for (const msg of isDNS1123Subdomain(secretName)) errs.push(invalid(`spec.tls[${i}].secretName`, secretName, msg));
  });
  const className = spec.ingressClassName;
  if (typeof className === 'string') for (const msg of isDNS1123Subdomain(className)) errs.push(invalid('spec.ingressClassName', className, msg));
  return errs;
}

function validateCreate(ingress: KubeObject): FieldError[] {
  const errs = validateSpec(ingress);
  const annotation = ingress.metadata.annotations?.[ingressClassAnnotation];
  const className = objectAt(ingress, 'spec')?.ingressClassName;
  if (annotation !== undefined && typeof className === 'string' && annotation !== className) {
    errs.push(invalid(`annotations.${ingressClassAnnotation}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** Rule hosts, the first three and how many more; `*` when no rule names one. */
function hostsCell(ingress: KubeObject): string {
  const hosts = objectsAt(objectAt(ingress, 'spec'), 'rules')
    .map((r) => stringAt(r, 'host'))
    .filter(Boolean);
  if (hosts.length === 0) return '*';
  return hosts.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${hosts.length - 3} more...` : hosts.join(',');
}

/** Load-balancer IPs and hostnames, cut to 16 characters as kubectl prints them (the server's table has no wide form). */
function addressCell(ingress: KubeObject): string {
  const points = objectsAt(objectAt(objectAt(ingress, 'status'), 'loadBalancer'), 'ingress');
  const address = points.map((p) => stringAt(p, 'ip') || stringAt(p, 'hostname')).filter(Boolean).join(',');
  return address.length > 16 ? `${address.slice(0, 13)}...` : address;
}

/**
 * Kubernetes prints `80` (`80, 443` with TLS) whatever the controller listens on. PodLab's
 * controller may not get those ports on this machine, so the ports it reports in
 * status.loadBalancer are printed instead when there are any: the URL a user types.
 */
function portsCell(ingress: KubeObject, tls: boolean): string {
  const reported = objectsAt(objectAt(objectAt(ingress, 'status'), 'loadBalancer'), 'ingress').flatMap((i) => objectsAt(i, 'ports').map((p) => p.port));
  if (reported.length > 0) return [...new Set(reported)].join(', ');
  return tls ? '80, 443' : '80';
}

export const ingresses: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  subresources: ['status'],
  strategy: {
    prepareForCreate: (ingress) => {
      ingress.status = {};
    },
    validate: validateCreate,
    validateUpdate: (ingress) => validateSpec(ingress),
    table: {
      columns: [
        nameColumn(),
        column('Class', 'string', 'The name of the IngressClass resource.'),
        column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
        column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
        column('Ports', 'string', 'Ports of TLS configurations that open'),
        ageColumn(),
      ],
      row: (ingress, now) => {
        const spec = objectAt(ingress, 'spec') ?? {};
        return [
          ingress.metadata.name,
          typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
          hostsCell(ingress),
          addressCell(ingress),
          portsCell(ingress, objectsAt(spec, 'tls').length > 0),
          ageSince(ingress.metadata.creationTimestamp, now),
        ];
      },
    },
  },
};

