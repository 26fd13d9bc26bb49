// The ServiceAccount admission plugin and the TokenRequest subresource: a pod
// runs as its service account ("default" when it names none), which must
// exist, and gets the projected kube-api-access volume in every container
// unless automount is off; serviceaccounts/token issues tokens bound to a pod.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceAccountPlugin } from '../../main/apiserver/admission/serviceAccount.ts';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { isApiError, type KubeClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';

const pods = { group: '', version: 'v1', plural: 'pods' };
const serviceAccounts = { group: '', version: 'v1', plural: 'serviceaccounts' };

interface PodSpec {
  serviceAccountName?: string;
  volumes?: Array<{ name: string; projected?: unknown }>;
  containers: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
  initContainers?: PodSpec['containers'];
  imagePullSecrets?: Array<{ name: string }>;
}

function pod(name: string, spec: Partial<PodSpec> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ...spec } };
}

describe('service account admission', () => {
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), adminToken: 'x', serviceRange: '10.244.128.0/17', serviceAccountAdmission: true });
  let client: KubeClient;
  const create = async (p: KubeObject) => (await client.resource(pods).create('shop', p)).spec as PodSpec;

  before(async () => {
    client = api.client(adminUser);
    await ensureSystemNamespaces(client);
    await client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'shop' } });
    const sas = client.resource(serviceAccounts);
    await sas.create('shop', { metadata: { name: 'default' } });
    await sas.create('shop', { metadata: { name: 'quiet' }, automountServiceAccountToken: false });
    await sas.create('shop', { metadata: { name: 'puller' }, imagePullSecrets: [{ name: 'registry' }] });
  });
  after(() => store.close());

  it('runs a pod as `default` and mounts its API access read-only in every container', async () => {
    const spec = await create(pod('plain', { initContainers: [{ name: 'init', image: 'busybox:1.36' }] as never }));
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.volumes?.length, 1);
    const volume = spec.volumes![0]!;
    assert.match(volume.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volume.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const container of [...spec.initContainers!, ...spec.containers]) {
      assert.deepEqual(container.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    }
  });

  it('mounts nothing when the pod, or else its service account, turns automount off', async () => {
    assert.equal((await create(pod('off', { automountServiceAccountToken: false } as never))).volumes, undefined);
    assert.equal((await create(pod('quiet', { serviceAccountName: 'quiet' }))).volumes, undefined);
    assert.equal((await create(pod('loud', { serviceAccountName: 'quiet', automountServiceAccountToken: true } as never))).volumes?.length, 1);
  });

  it('leaves a container that mounts something at the path alone', async () => {
    const spec = await create(
      pod('own-mount', {
        volumes: [{ name: 'mine', emptyDir: {} } as never],
        containers: [
          { name: 'a', image: 'busybox:1.36', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] } as never,
          { name: 'b', image: 'busybox:1.36' } as never,
        ],
      }),
    );
    assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    assert.equal(spec.containers[1]!.volumeMounts?.[0]?.name, spec.volumes![1]!.name);
  });

  it("takes the service account's imagePullSecrets when the pod has none", async () => {
    assert.deepEqual((await create(pod('pulls', { serviceAccountName: 'puller' }))).imagePullSecrets, [{ name: 'registry' }]);
  });

  it('refuses a pod whose service account does not exist', async () => {
    await assert.rejects(create(pod('lost', { serviceAccountName: 'nope' })), (err) => {
      assert.ok(isApiError(err, 'Forbidden'));
      assert.equal(err.message, 'pods "lost" is forbidden: error looking up service account shop/nope: serviceaccount "nope" not found');
      return true;
    });
  });

  it('issues tokens bound to the pod through serviceaccounts/token', async () => {
    const p = await client.resource(pods).get('shop', 'plain');
    const answer = await client.resource(serviceAccounts).createSubresource('shop', 'default', 'token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'plain', uid: p.metadata.uid } },
    });
    const status = answer.status as { token: string; expirationTimestamp: string };
    assert.equal(answer.kind, 'TokenRequest');
    assert.deepEqual(answer.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'plain', uid: p.metadata.uid } });
    const user = await api.serviceAccountTokens.authenticateToken(status.token);
    assert.equal(user?.name, 'system:serviceaccount:shop:default');
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['plain']);
    const wrongUid = client.resource(serviceAccounts).createSubresource('shop', 'default', 'token', { metadata: {}, spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'plain', uid: 'other' } } } as KubeObject);
    await assert.rejects(wrongUid, /Operation cannot be fulfilled on Pod "plain": the UID in the bound object reference \(other\) does not match the UID in record/);
    const otherSa = client.resource(serviceAccounts).createSubresource('shop', 'quiet', 'token', { metadata: {}, spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'plain' } } } as KubeObject);
    await assert.rejects(otherSa, /cannot bind token for serviceaccount "quiet" to pod running with different serviceaccount name\./);
    const short = client.resource(serviceAccounts).createSubresource('shop', 'default', 'token', { metadata: {}, spec: { expirationSeconds: 60 } } as KubeObject);
    await assert.rejects(short, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
  });
});

describe('the default service account lookup', () => {
  it('waits for the controller to make `default`, ten tries at most', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const plugin = new ServiceAccountPlugin({ getServiceAccount: async () => (++calls === 3 ? { metadata: { name: 'default' } } : undefined), sleep: async (ms) => void sleeps.push(ms) });
    const attrs = { operation: 'CREATE' as const, resource: allResources.find((d) => d.plural === 'pods')!, subresource: '', namespace: 'new', name: 'p', object: pod('p'), user: adminUser, dryRun: false };
    await plugin.mutate(attrs);
    assert.equal(calls, 3);
    assert.ok(sleeps.every((ms) => ms >= 100 && ms < 200));
    calls = -100;
    await assert.rejects(async () => plugin.mutate({ ...attrs, object: pod('p') }), /error looking up service account new\/default: serviceaccount "default" not found/);
    assert.equal(calls, -90);
  });
});
