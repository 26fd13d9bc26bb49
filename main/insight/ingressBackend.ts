// An Ingress routing to a Service that does not exist answers 503, while
// the pods meant to serve it may run fine. Seen from such a pod: point the
// backend at the one existing Service that is clearly meant (it selects
// this pod, serves the backend's port, and shares the missing name's
// prefix or selects pods labelled with the Ingress's name), or, when the
// pod's Deployment has the missing Service's name, create that Service
// selecting the Deployment's pods.

import type { Finding, Fix, JsonPatchOperation } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { PodView } from './podView.ts';
import { podRef, type Rule } from './rule.ts';

type Json = KubeObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface IngressBackend {
  /** JSON Pointer to the backend's service name. */
  path: string;
  name: string;
  port: { number?: number; name?: string };
}

export function ingressBackends(ingress: Json): IngressBackend[] {
  const found: IngressBackend[] = [];
  const service = ingress.spec?.defaultBackend?.service;
  if (service?.name) found.push({ path: '/spec/defaultBackend/service/name', name: service.name, port: service.port ?? {} });
  ((ingress.spec?.rules ?? []) as Json[]).forEach((rule, r) =>
    ((rule.http?.paths ?? []) as Json[]).forEach((p, i) => {
      const s = p.backend?.service;
      if (s?.name) found.push({ path: `/spec/rules/${r}/http/paths/${i}/backend/service/name`, name: s.name, port: s.port ?? {} });
    }),
  );
  return found;
}

function selects(service: Json, pod: PodView): boolean {
  const selector = service.spec?.selector as Record<string, string> | undefined;
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

function servesPort(service: Json, port: IngressBackend['port']): boolean {
  return ((service.spec?.ports ?? []) as Json[]).some((p) => (port.number !== undefined ? p.port === port.number : p.name === port.name));
}

const prefix = (name: string) => name.split('-')[0];

/** The existing Service clearly meant for the missing one, when exactly one is. */
function meantService(services: Json[], pod: PodView, ingress: Json, backend: IngressBackend): Json | undefined {
  const candidates = services.filter(
    (s) => selects(s, pod) && servesPort(s, backend.port) && (prefix(s.metadata.name ?? '') === prefix(backend.name) || Object.values(s.spec?.selector ?? {}).includes(ingress.metadata.name)),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

function pointFix(ingress: Json, missing: string, backends: IngressBackend[], service: Json): Fix {
  const operations: JsonPatchOperation[] = backends.flatMap((b) => [
    { op: 'test' as const, path: b.path, value: missing },
    { op: 'replace' as const, path: b.path, value: service.metadata.name },
  ]);
  return {
    title: `Point Ingress ${ingress.metadata.name} at Service ${service.metadata.name} instead of ${missing}`,
    explanation: `Service ${service.metadata.name} selects this pod and serves the port the rule asks for; no Service ${missing} exists. If ${missing} was meant to be created rather than renamed, create it instead.`,
    changes: [{ action: 'patch', target: { apiVersion: ingress.apiVersion ?? 'networking.k8s.io/v1', kind: 'Ingress', name: ingress.metadata.name ?? '', namespace: ingress.metadata.namespace }, patch: operations }],
  };
}

function createFix(pod: PodView, deployment: Json, missing: string, port: IngressBackend['port']): Fix | undefined {
  const selector = deployment.spec?.selector;
  if (!selector?.matchLabels || selector.matchExpressions?.length) return undefined;
  const containerPorts = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  const named = port.name ? containerPorts.find((p) => p.name === port.name) : undefined;
  const only = containerPorts.length === 1 ? containerPorts[0] : undefined;
  const servicePort = port.number ?? named?.containerPort;
  if (servicePort === undefined) return undefined;
  const targetPort = named?.containerPort ?? only?.containerPort ?? servicePort;
  const namespace = pod.metadata.namespace ?? 'default';
  return {
    title: `Create Service ${missing} for Deployment ${deployment.metadata.name}'s pods`,
    explanation: `The Ingress routes to Service ${missing}, which does not exist; Deployment ${missing} runs the pods meant to answer. The Service selects them as the Deployment does (${Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')}) and sends port ${servicePort} to their port ${targetPort}; requests get through once a pod is Ready.`,
    changes: [
      {
        action: 'create',
        object: { apiVersion: 'v1', kind: 'Service', metadata: { name: missing, namespace }, spec: { selector: selector.matchLabels, ports: [{ ...(port.name && { name: port.name }), port: servicePort, targetPort, protocol: 'TCP' }] } } as KubeObject,
      },
    ],
  };
}

export const ingressBackend: Rule = (input) => {
  const { pod, related } = input;
  if (!related || pod.metadata.deletionTimestamp) return [];
  const ref = podRef(pod);
  const services = related.services as Json[];
  const existing = new Set(services.map((s) => s.metadata.name));
  const deployment = related.owners.find((o) => o.kind === 'Deployment') as Json | undefined;
  return (related.ingresses as Json[]).flatMap((ingress): Finding[] => {
    const backends = ingressBackends(ingress).filter((b) => !existing.has(b.name));
    return [...new Set(backends.map((b) => b.name))].flatMap((missing): Finding[] => {
      const same = backends.filter((b) => b.name === missing);
      const meant = meantService(services, pod, ingress, same[0]!);
      const ours = deployment?.metadata.name === missing;
      if (!meant && !ours) return [];
      const fix = meant ? pointFix(ingress, missing, same, meant) : createFix(pod, deployment!, missing, same[0]!.port);
      return [
        {
          rule: 'ingress-backend',
          severity: 'error',
          title: `Ingress ${ingress.metadata.name} routes to Service "${missing}", which does not exist`,
          cause: `Requests the Ingress sends to ${missing} get 503 Service Unavailable: there is no Service ${missing} in namespace ${ref.namespace}, so this pod${meant ? `, behind Service ${meant.metadata.name},` : `, which Deployment ${missing} runs,`} gets none of them.`,
          evidence: [{ label: `Ingress ${ingress.metadata.name}`, text: same.map((b) => `${b.path.replace(/\/service\/name$/, '')} → ${missing}:${b.port.number ?? b.port.name ?? ''}`).join('\n') }],
          next: [
            { what: 'See the Ingress and its ServiceNotFound events', command: `kubectl describe ingress ${ingress.metadata.name} -n ${ref.namespace}` },
            { what: 'List the Services there', command: `kubectl get services -n ${ref.namespace}` },
          ],
          ...(fix && { fixes: [fix] }),
        },
      ];
    });
  });
};
