// kubectl's typed clients send protobuf bodies (`kubectl create namespace`,
// `create configmap`, ...): the real kubectl against a real `podlab serve`,
// checked through `kubectl get -o json`.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('kubectl create with protobuf request bodies', () => {
  let serve: PodlabServe;
  let kc: string;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'protobuf-test']);
    kc = serve.kubeconfig;
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  async function getJson<T>(args: string[]): Promise<T> {
    return JSON.parse(await kubectlOk(kc, ['get', ...args, '-o', 'json'])) as T;
  }

  it('kubectl create namespace sends protobuf and succeeds', async () => {
    const result = await kubectl(kc, ['create', 'namespace', 'demo', '-v=8']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^namespace\/demo created$/m);
    assert.match(result.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
    assert.match(result.stderr, /Response Status: 201 Created/);
    const ns = await getJson<{ status: { phase: string } }>(['namespace', 'demo']);
    assert.equal(ns.status.phase, 'Active');
  });

  it('kubectl create configmap and secret keep their data', async () => {
    assert.match(await kubectlOk(kc, ['create', 'configmap', 'c', '--from-literal=a=b', '-n', 'demo']), /configmap\/c created/);
    assert.match(await kubectlOk(kc, ['create', 'secret', 'generic', 's', '--from-literal=p=q', '-n', 'demo']), /secret\/s created/);
    const cm = await getJson<{ data: Record<string, string> }>(['configmap', 'c', '-n', 'demo']);
    assert.deepEqual(cm.data, { a: 'b' });
    const secret = await getJson<{ type: string; data: Record<string, string> }>(['secret', 's', '-n', 'demo']);
    assert.equal(secret.type, 'Opaque');
    assert.deepEqual(secret.data, { p: Buffer.from('q').toString('base64') });
  });

  it('kubectl create deployment keeps replicas, including 0, and the container', async () => {
    assert.match(await kubectlOk(kc, ['create', 'deployment', 'web', '--image=busybox', '--replicas=2', '-n', 'demo']), /deployment.apps\/web created/);
    assert.match(await kubectlOk(kc, ['create', 'deployment', 'idle', '--image=busybox', '--replicas=0', '--port=8080', '-n', 'demo']), /deployment.apps\/idle created/);
    type Deployment = {
      metadata: { labels: Record<string, string>; creationTimestamp: string };
      spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { spec: { containers: Array<{ name: string; image: string; ports?: unknown[] }> } } };
    };
    const web = await getJson<Deployment>(['deployment', 'web', '-n', 'demo']);
    assert.equal(web.spec.replicas, 2);
    assert.deepEqual(web.metadata.labels, { app: 'web' });
    assert.deepEqual(web.spec.selector.matchLabels, { app: 'web' });
    assert.match(web.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      web.spec.template.spec.containers.map((c) => [c.name, c.image]),
      [['busybox', 'busybox']],
    );
    const idle = await getJson<Deployment>(['deployment', 'idle', '-n', 'demo']);
    assert.equal(idle.spec.replicas, 0);
    assert.deepEqual(idle.spec.template.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  });

  it('kubectl create service clusterip maps the port to its targetPort', async () => {
    assert.match(await kubectlOk(kc, ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'demo']), /service\/web created/);
    const svc = await getJson<{ spec: { type: string; selector: Record<string, string>; ports: Array<{ port: number; targetPort: number; protocol: string }> } }>(['service', 'web', '-n', 'demo']);
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.selector, { app: 'web' });
    assert.deepEqual(
      svc.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]),
      [[80, 8080, 'TCP']],
    );
  });

  it('kubectl create serviceaccount, role and rolebinding', async () => {
    assert.match(await kubectlOk(kc, ['create', 'serviceaccount', 'sa', '-n', 'demo']), /serviceaccount\/sa created/);
    assert.match(await kubectlOk(kc, ['create', 'role', 'reader', '--verb=get,list', '--resource=pods', '-n', 'demo']), /role.rbac.authorization.k8s.io\/reader created/);
    assert.match(await kubectlOk(kc, ['create', 'rolebinding', 'sa-reader', '--role=reader', '--serviceaccount=demo:sa', '-n', 'demo']), /rolebinding.rbac.authorization.k8s.io\/sa-reader created/);
    const sa = await getJson<{ metadata: { name: string; namespace: string } }>(['serviceaccount', 'sa', '-n', 'demo']);
    assert.deepEqual([sa.metadata.name, sa.metadata.namespace], ['sa', 'demo']);
    const role = await getJson<{ rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }>(['role', 'reader', '-n', 'demo']);
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    const binding = await getJson<{ roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string; namespace: string }> }>(['rolebinding', 'sa-reader', '-n', 'demo']);
    assert.deepEqual([binding.roleRef.kind, binding.roleRef.name], ['Role', 'reader']);
    assert.deepEqual(
      binding.subjects.map((s) => [s.kind, s.name, s.namespace]),
      [['ServiceAccount', 'sa', 'demo']],
    );
  });
});
