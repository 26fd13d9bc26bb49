import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ForwardError, TargetResolver, parsePorts, parseTarget } from '../../main/network/portforward/forwardTarget.ts';
import { ObjectNotFound, type ObjectReader } from '../../main/network/portforward/objectReader.ts';

describe('port-forward arguments', () => {
  it('targets as kubectl reads them', () => {
    assert.deepEqual(parseTarget('web'), { kind: 'pod', name: 'web' });
    assert.deepEqual(parseTarget('pod/web'), { kind: 'pod', name: 'web' });
    assert.deepEqual(parseTarget('svc/web'), { kind: 'service', name: 'web' });
    assert.deepEqual(parseTarget('services/web'), { kind: 'service', name: 'web' });
    assert.deepEqual(parseTarget('deploy/web'), { kind: 'deployment', name: 'web' });
    assert.deepEqual(parseTarget('deployment.apps/web'), { kind: 'deployment', name: 'web' });
    assert.throws(() => parseTarget('job/web'), ForwardError);
    assert.throws(() => parseTarget('pod/'), ForwardError);
  });

  it('ports: LOCAL:REMOTE, :REMOTE, REMOTE, named remote ports', () => {
    assert.deepEqual(parsePorts('8080:80'), { local: 8080, remote: 80 });
    assert.deepEqual(parsePorts(':80'), { local: 0, remote: 80 });
    assert.deepEqual(parsePorts('5432'), { local: 5432, remote: 5432 });
    assert.deepEqual(parsePorts('8080:http'), { local: 8080, remote: 'http' });
    for (const bad of ['http', '1:2:3', '8080:', '70000:80', '80:0', 'x:80', '80:Bad_Name']) assert.throws(() => parsePorts(bad), ForwardError, bad);
  });
});

function pod(name: string, options: { ready?: boolean; ip?: string; labels?: Record<string, string>; phase?: string; since?: string; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: options.labels ?? { app: 'web' }, ...(options.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: options.phase ?? 'Running',
      podIP: options.ip ?? `10.0.0.${name.length}`,
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: options.since ?? '2026-01-01T00:00:00Z' }],
    },
  };
}

/** Objects by kind/name; lists by `app=<value>` selectors. */
function reader(objects: Map<string, KubeObject>): ObjectReader {
  return {
    async get(ref, _namespace, name) {
      const found = objects.get(`${ref.plural}/${name}`);
      if (!found) throw new ObjectNotFound(`${ref.plural} "${name}" not found`);
      return found;
    },
    async list(ref, _namespace, selector) {
      const app = selector.replace(/^app=/, '');
      return [...objects].filter(([key, obj]) => key.startsWith(`${ref.plural}/`) && obj.metadata.labels?.app === app).map(([, obj]) => obj);
    },
  };
}

describe('port-forward target resolution', () => {
  const service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }, { port: 81, targetPort: 9000 }] } };
  const deployment = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } } };

  it('a Service port goes to its targetPort (named ones through the chosen pod) on a ready pod, the one ready longest', async () => {
    const objects = new Map<string, KubeObject>([
      ['services/web', service],
      ['pods/a-new', pod('a-new', { since: '2026-03-01T00:00:00Z' })],
      ['pods/b-old', pod('b-old', { since: '2026-01-01T00:00:00Z' })],
      ['pods/c-unready', pod('c-unready', { ready: false, since: '2025-01-01T00:00:00Z' })],
      ['pods/d-going', pod('d-going', { deleting: true, since: '2025-01-01T00:00:00Z' })],
    ]);
    const named = await new TargetResolver(reader(objects), 'default', { kind: 'service', name: 'web' }, 80).resolve();
    assert.deepEqual([named.name, named.port], ['b-old', 8080]);
    const numbered = await new TargetResolver(reader(objects), 'default', { kind: 'service', name: 'web' }, 81).resolve();
    assert.equal(numbered.port, 9000);
    await assert.rejects(() => new TargetResolver(reader(objects), 'default', { kind: 'service', name: 'web' }, 82).resolve(), /does not have a service port 82/);
  });

  it('a Deployment keeps its pod while it is fit and moves on when it is replaced', async () => {
    const objects = new Map<string, KubeObject>([['deployments/web', deployment], ['pods/first', pod('first')]]);
    const resolver = new TargetResolver(reader(objects), 'default', { kind: 'deployment', name: 'web' }, 'http');
    assert.equal((await resolver.resolve()).name, 'first');
    objects.set('pods/second', pod('second', { since: '2026-06-01T00:00:00Z' }));
    assert.equal((await resolver.resolve()).name, 'first');
    objects.delete('pods/first');
    assert.equal((await resolver.resolve()).name, 'second');
    objects.set('pods/second', pod('second', { ready: false }));
    await assert.rejects(() => resolver.resolve(), /no running and ready pod for deployment\/web/);
  });

  it('a pod target needs the pod running, not ready; missing objects say what is missing', async () => {
    const objects = new Map<string, KubeObject>([['pods/p', pod('p', { ready: false })], ['pods/pending', pod('pending', { phase: 'Pending' })]]);
    assert.equal((await new TargetResolver(reader(objects), 'default', { kind: 'pod', name: 'p' }, 8080).resolve()).port, 8080);
    await assert.rejects(() => new TargetResolver(reader(objects), 'default', { kind: 'pod', name: 'pending' }, 80).resolve(), /pod is not running. Current status=Pending/);
    await assert.rejects(() => new TargetResolver(reader(objects), 'default', { kind: 'pod', name: 'p' }, 'metrics').resolve(), /does not have a named port 'metrics'/);
    await assert.rejects(() => new TargetResolver(reader(objects), 'default', { kind: 'service', name: 'nope' }, 80).resolve(), /services "nope" not found in namespace "default"/);
  });
});
