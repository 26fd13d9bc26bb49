import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerResourceValue, formatMap, podFieldValue, type DownwardContext } from '../../main/kubelet/downwardApi.ts';
import { containerEnv, expandCommandAndArgs, type EnvContext } from '../../main/kubelet/envVars.ts';
import { expand, mappingFor } from '../../main/kubelet/expansion.ts';
import { ObjectNotFoundError, type PodObjects } from '../../main/kubelet/podObjects.ts';
import { serviceEnvVars, servicesForPod } from '../../main/kubelet/serviceEnv.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';

describe('$(VAR) expansion', () => {
  const mapping = mappingFor(new Map([['A', 'apple'], ['B', 'banana']]));
  const cases: Array<[string, string]> = [
    ['$(A)', 'apple'],
    ['x-$(A)-$(B)-y', 'x-apple-banana-y'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$apple'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['cost: 5$', 'cost: 5$'],
    ['$()', '$()'],
    ['', ''],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(expand(input, mapping), want));
  }
  it('looks up the contexts in order', () => {
    assert.equal(expand('$(X)', mappingFor(new Map([['X', 'first']]), new Map([['X', 'second'], ['Y', 'y']]))), 'first');
  });
});

function pod(container: Container, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a "quoted" value' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'default', containers: [container], ...extra },
  };
}

const objects: Pick<PodObjects, 'configMap' | 'secret'> = {
  async configMap(_ns, name) {
    if (name !== 'settings') throw new ObjectNotFoundError('configmap', name);
    return new Map([['MODE', Buffer.from('fast')], ['LEVEL', Buffer.from('3')]]);
  },
  async secret(_ns, name) {
    if (name !== 'creds') throw new ObjectNotFoundError('secret', name);
    return new Map([['password', Buffer.from('s3cret')]]);
  },
};

function context(p: Pod, serviceEnv = new Map<string, string>()): EnvContext {
  return { pod: p, podIPs: ['10.244.0.7'], hostIPs: ['10.244.0.2'], allocatable: { cpu: '4', memory: '8Gi' }, objects, serviceEnv };
}

describe('container environment', () => {
  it('resolves values, fieldRefs, resourceFieldRefs, ConfigMap and Secret keys, in order with expansion', async () => {
    const container: Container = {
      name: 'app',
      image: 'busybox',
      resources: { limits: { memory: '256Mi' }, requests: { cpu: '250m' } },
      env: [
        { name: 'GREETING', value: 'hello' },
        { name: 'MESSAGE', value: '$(GREETING) from $(POD_NAME) $(UNDEFINED)' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'LATE', value: 'pod=$(POD_NAME)' },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'CPU_REQUEST_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x', optional: true } } },
        { name: 'OPTIONAL_KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } } },
      ],
    };
    const env = await containerEnv(container, context(pod(container)));
    assert.deepEqual(Object.fromEntries(env), {
      GREETING: 'hello',
      // POD_NAME is defined after MESSAGE: it stays as written, as in Kubernetes.
      MESSAGE: 'hello from $(POD_NAME) $(UNDEFINED)',
      POD_NAME: 'web',
      LATE: 'pod=web',
      NS: 'shop',
      UID: 'uid-1',
      NODE: 'node-1',
      SA: 'default',
      POD_IP: '10.244.0.7',
      HOST_IP: '10.244.0.2',
      APP: 'web',
      MEM_LIMIT_MI: '256',
      // No CPU limit: the node's allocatable.
      CPU_LIMIT: '4',
      CPU_REQUEST_M: '250',
      MODE: 'fast',
      PASSWORD: 's3cret',
    });
  });

  it('puts envFrom first, with its prefix, and lets env override it', async () => {
    const container: Container = {
      name: 'app',
      image: 'busybox',
      envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }, { configMapRef: { name: 'absent', optional: true } }],
      env: [{ name: 'MODE', value: 'slow-$(LEVEL)' }],
    };
    assert.deepEqual(Object.fromEntries(await containerEnv(container, context(pod(container)))), { MODE: 'slow-3', LEVEL: '3', DB_password: 's3cret' });
  });

  it('fails with the kubelet message for a missing required ConfigMap, Secret or key', async () => {
    const missingMap: Container = { name: 'app', image: 'busybox', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x' } } }] };
    await assert.rejects(containerEnv(missingMap, context(pod(missingMap))), { message: 'configmap "absent" not found' });
    const missingFrom: Container = { name: 'app', image: 'busybox', envFrom: [{ secretRef: { name: 'gone' } }] };
    await assert.rejects(containerEnv(missingFrom, context(pod(missingFrom))), { message: 'secret "gone" not found' });
    const missingKey: Container = { name: 'app', image: 'busybox', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE' } } }] };
    await assert.rejects(containerEnv(missingKey, context(pod(missingKey))), { message: "couldn't find key NOPE in ConfigMap shop/settings" });
  });

  it('adds service variables not already defined', async () => {
    const container: Container = { name: 'app', image: 'busybox', env: [{ name: 'DB_SERVICE_PORT', value: 'mine' }, { name: 'URL', value: 'http://$(DB_SERVICE_HOST)' }] };
    const services = servicesForPod(
      [
        { name: 'db', namespace: 'shop', clusterIP: '10.244.128.9', ports: [{ name: 'pg', port: 5432 }] },
        { name: 'other', namespace: 'elsewhere', clusterIP: '10.244.128.10', ports: [{ port: 80 }] },
        { name: 'kubernetes', namespace: 'default', clusterIP: '10.244.128.1', ports: [{ name: 'https', port: 443 }] },
      ],
      'shop',
      true,
    );
    const env = await containerEnv(container, context(pod(container), serviceEnvVars(services)));
    assert.equal(env.get('DB_SERVICE_PORT'), 'mine');
    assert.equal(env.get('URL'), 'http://10.244.128.9');
    assert.equal(env.get('DB_SERVICE_PORT_PG'), '5432');
    assert.equal(env.get('DB_PORT'), 'tcp://10.244.128.9:5432');
    assert.equal(env.get('DB_PORT_5432_TCP_ADDR'), '10.244.128.9');
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.244.128.1');
    assert.equal(env.get('OTHER_SERVICE_HOST'), undefined);
  });

  it('keeps only the kubernetes service when enableServiceLinks is false', () => {
    const picked = servicesForPod(
      [
        { name: 'db', namespace: 'shop', clusterIP: '10.0.0.9', ports: [{ port: 1 }] },
        { name: 'kubernetes', namespace: 'default', clusterIP: '10.0.0.1', ports: [{ port: 443 }] },
      ],
      'shop',
      false,
    );
    assert.deepEqual(picked.map((s) => s.name), ['kubernetes']);
  });

  it('expands command and args against the final environment', () => {
    const container: Container = { name: 'app', image: 'busybox', command: ['echo', '$(GREETING)'], args: ['$$(GREETING)', '$(NOPE)'] };
    assert.deepEqual(expandCommandAndArgs(container, new Map([['GREETING', 'hi']])), { command: ['echo', 'hi'], args: ['$(GREETING)', '$(NOPE)'] });
  });
});

describe('downward API', () => {
  const ctx: DownwardContext = { pod: pod({ name: 'app', image: 'busybox' }), podIPs: ['10.0.0.7'], hostIPs: ['10.0.0.2'], allocatable: { cpu: '2', memory: '1Gi' } };
  it('formats labels and annotations as sorted key="value" lines', () => {
    assert.equal(podFieldValue('metadata.labels', ctx), 'app="web"\ntier="front"');
    assert.equal(formatMap({ note: 'a "quoted" value' }), 'note="a \\"quoted\\" value"');
  });
  it('rounds resources up in units of the divisor', () => {
    const c: Container = { name: 'app', image: 'busybox', resources: { limits: { cpu: '1500m', memory: '100M' } } };
    assert.equal(containerResourceValue({ resource: 'limits.cpu' }, c, ctx.allocatable), '2');
    assert.equal(containerResourceValue({ resource: 'limits.memory', divisor: '1Mi' }, c, ctx.allocatable), '96');
    assert.equal(containerResourceValue({ resource: 'requests.memory' }, c, ctx.allocatable), '0');
  });
});
