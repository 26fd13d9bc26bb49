// Ingress and IngressClass through the API: Kubernetes' validation messages
// and field paths, the DefaultIngressClass admission plugin, and the
// `kubectl get` columns.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const ingresses = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const classes = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' };

let api: InProcessApi;
// The API server's clock: creation timestamps have one-second precision, so a test moves it instead of waiting.
let now = Date.UTC(2025, 0, 1, 12);
before(async () => {
  api = await startInProcessApi(() => new Date(now));
});
after(() => api.close());

function ingress(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, ...(annotations ? { annotations } : {}) }, spec } as KubeObject;
}

async function causes(obj: KubeObject): Promise<string[]> {
  try {
    await api.client.resource(ingresses).create('default', obj);
  } catch (err) {
    return ((err as { status?: { details?: { causes?: Array<{ field: string; message: string }> } } }).status?.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
  }
  assert.fail('the Ingress was accepted');
}

test('an Ingress needs rules or a default backend; paths, backends and hosts are checked as Kubernetes checks them', async () => {
  assert.deepEqual(await causes(ingress('empty', {})), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
  const found = await causes(
    ingress('bad', {
      rules: [
        {
          host: '10.0.0.1',
          http: {
            paths: [
              { path: 'relative', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
              { path: '/a//b', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80, name: 'http' } } } },
              { path: '/', pathType: 'Sometimes', backend: { service: { name: 'web', port: {} } } },
              { path: '/x', backend: { service: { name: 'web', port: { number: 80 } } } },
            ],
          },
        },
        { host: '*.*.bad', http: { paths: [] } },
      ],
    }),
  );
  assert.deepEqual(found, [
    'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    'spec.rules[0].http.paths[0].path: Invalid value: "relative": must be an absolute path',
    "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b\": must not contain '//'",
    'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both port name & port number',
    'spec.rules[0].http.paths[2].pathType: Unsupported value: "Sometimes": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    'spec.rules[0].http.paths[2].backend: Required value: port name or number is required',
    'spec.rules[0].http.paths[3].pathType: Required value: pathType must be specified',
    `spec.rules[1].host: Invalid value: "*.*.bad": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    'spec.rules[1].http.paths: Required value',
  ]);
});

test('the class annotation must agree with ingressClassName', async () => {
  assert.deepEqual(await causes(ingress('both', { ingressClassName: 'a', defaultBackend: { service: { name: 'web', port: { number: 80 } } } }, { 'kubernetes.io/ingress.class': 'b' })), [
    'annotations.kubernetes.io/ingress.class: Invalid value: "b": must match `ingressClassName` when both are specified',
  ]);
});

test('an IngressClass needs a domain-prefixed controller, which never changes; an Ingress without a class gets the newest default', async () => {
  await assert.rejects(api.client.resource(classes).create(undefined, { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'bad' }, spec: { controller: 'nginx' } } as KubeObject), /spec.controller: Invalid value: "nginx": must be a domain-prefixed path \(such as "acme.io\/foo"\)/);
  const make = (name: string, isDefault: boolean) =>
    api.client.resource(classes).create(undefined, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name, ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
      spec: { controller: 'example.com/ingress', parameters: { kind: 'Config', name: 'main' } },
    } as KubeObject);
  const first = await make('first', true);
  assert.equal((first.spec as { parameters: { scope?: string } }).parameters.scope, 'Cluster', 'parameters.scope defaults to Cluster');
  now += 1000;
  await make('second', true);
  await make('other', false);
  const created = await api.client.resource(ingresses).create('default', ingress('classless', { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }));
  assert.equal((created.spec as { ingressClassName?: string }).ingressClassName, 'second');
  await assert.rejects(api.client.resource(classes).patch(undefined, 'other', 'application/merge-patch+json', { spec: { controller: 'example.com/other' } }), /spec.controller: Invalid value: "example.com\/other": field is immutable/);
});
