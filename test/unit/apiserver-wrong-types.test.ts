// Every field of a Pod, a Deployment, a Service and a ConfigMap sent with a
// JSON type Go could not decode into it: each create is a 400 (or a 422),
// never a 500 and never a stored object that typed clients then fail to read.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const container = {
  name: 'app',
  image: 'nginx',
  command: ['sh'],
  args: ['-c', 'sleep 1'],
  workingDir: '/',
  ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  env: [{ name: 'A', value: 'b' }],
  resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '100m' } },
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
  readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5, failureThreshold: 3 },
  imagePullPolicy: 'IfNotPresent',
  securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false },
  stdin: false,
  tty: false,
};
const podSpec = {
  containers: [container],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  nodeSelector: { disk: 'ssd' },
  volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }],
  tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
  hostNetwork: false,
  priority: 0,
  dnsPolicy: 'ClusterFirst',
};
const labels = { app: 'web' };

const kinds: { kind: string; apiVersion: string; plural: string; group: string; body: Record<string, Json> }[] = [
  { kind: 'Pod', apiVersion: 'v1', group: '', plural: 'pods', body: { metadata: { labels, annotations: { note: 'x' } }, spec: podSpec } },
  {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    group: 'apps',
    plural: 'deployments',
    body: {
      metadata: { labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podSpec },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
        revisionHistoryLimit: 3,
        minReadySeconds: 1,
        paused: false,
      },
    },
  },
  {
    kind: 'Service',
    apiVersion: 'v1',
    group: '',
    plural: 'services',
    body: {
      metadata: { labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'ClusterIP', sessionAffinity: 'None', publishNotReadyAddresses: false },
    },
  },
  { kind: 'ConfigMap', apiVersion: 'v1', group: '', plural: 'configmaps', body: { metadata: { labels }, data: { a: 'b' }, binaryData: { c: 'ZA==' }, immutable: false } },
];

// Fields Go decodes from a number and from a string alike: IntOrString and Quantity.
const numberOrString = /(\.port$|targetPort|maxSurge|maxUnavailable|\.limits\.|\.requests\.|sizeLimit)/;

/** Every field below the top, with a value of each JSON type the field's Go type refuses. */
function wrongTyped(value: Json, path: string): { path: string; wrong: Json }[] {
  const found: { path: string; wrong: Json }[] = [];
  const visit = (current: Json, at: string) => {
    const swaps: Json[] = [];
    if (typeof current === 'string') swaps.push(true, ['x'], { a: 'b' }, ...(numberOrString.test(at) ? [] : [7]));
    else if (typeof current === 'number') swaps.push(true, [1], { a: 1 }, 1.5, 2 ** 64, ...(numberOrString.test(at) ? [] : ['7']));
    else if (typeof current === 'boolean') swaps.push('true', 1, [true]);
    else if (Array.isArray(current)) swaps.push('x', 1, { a: 1 });
    else if (current !== null) swaps.push('x', 1, [1]);
    // A container's fields are typed even where whole lists hold strings: `args: [1, 2]` must not store.
    if (Array.isArray(current) && current.every((item) => typeof item === 'string')) swaps.push([1, 2]);
    // The whole metadata is not swapped: the object would lose its name, which tells whether it was stored.
    if (at !== 'metadata') for (const wrong of swaps) found.push({ path: at, wrong });
    if (Array.isArray(current)) current.forEach((item, i) => visit(item, `${at}[${i}]`));
    else if (current !== null && typeof current === 'object') for (const [key, child] of Object.entries(current)) visit(child, `${at}.${key}`);
  };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const [key, child] of Object.entries(value)) visit(child, `${path}${key}`);
  return found;
}

/** A deep copy of `body` with the field at `path` (as wrongTyped names it) replaced. */
function withField(body: Record<string, Json>, path: string, value: Json): Record<string, Json> {
  const copy = structuredClone(body);
  const steps = path.match(/[^.[\]]+/g)!;
  let parent: any = copy;
  for (const step of steps.slice(0, -1)) parent = parent[/^\d+$/.test(step) ? Number(step) : step];
  const last = steps[steps.length - 1];
  parent[/^\d+$/.test(last) ? Number(last) : last] = value;
  return copy;
}

describe('bodies of the wrong JSON types', () => {
  let cluster: InProcessApi;
  before(async () => {
    cluster = await startInProcessApi();
  });
  after(() => cluster.close());

  for (const { kind, apiVersion, group, plural, body } of kinds) {
    it(`refuses every wrong-typed field of a ${kind} with 400 or 422 and stores nothing`, async () => {
      const resource = cluster.client.resource({ group, version: apiVersion.split('/').pop()!, plural });
      // The valid body is stored, so each refusal below is the wrong field's.
      await resource.create('default', { apiVersion, kind, ...structuredClone(body), metadata: { ...(body.metadata as object), name: 'valid' } } as KubeObject);
      const accepted: string[] = [];
      let n = 0;
      for (const { path, wrong } of wrongTyped(body, '')) {
        const name = `wrong-${n++}`;
        const named = { apiVersion, kind, ...body, metadata: { ...(body.metadata as object), name } };
        const sent = withField(named, path, wrong);
        try {
          await resource.create('default', sent as unknown as KubeObject);
          accepted.push(`${path}=${JSON.stringify(wrong)}`);
        } catch (err) {
          if (!isApiError(err) || (err.code !== 400 && err.code !== 422)) accepted.push(`${path}=${JSON.stringify(wrong)}: ${String(err)}`);
        }
        await assert.rejects(resource.get('default', name), (err) => isApiError(err, 'NotFound'), `${path}=${JSON.stringify(wrong)} stored nothing`);
      }
      assert.deepEqual(accepted, []);
    });
  }
});
