import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import type { ResourceClient, WatchHandle } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { whenPodGone } from '../../main/ui/podGone.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('whenPodGone: a UI port forward follows its pod', () => {
  const dir = tempDir('pod-gone');
  const pki = loadOrCreatePki(dir, 'pod-gone');
  const store = new SqliteStore({ path: ':memory:' });
  const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });
  const pods = api.client(adminUser).resource({ group: '', version: 'v1', plural: 'pods' });

  before(async () => {
    await ensureSystemNamespaces(api.client(adminUser));
    await api.client(adminUser).resource({ group: '', version: 'v1', plural: 'serviceaccounts' }).create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  });
  after(async () => {
    await store.close();
    removeDir(dir);
  });

  const createPod = (name: string) => pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
  /** A promise that `whenPodGone` settles, and the follower. */
  function follow(pod: KubeObject, client: ResourceClient = pods, clock = new FakeClock()) {
    let calls = 0;
    let resolve!: () => void;
    const gone = new Promise<void>((r) => (resolve = r));
    const follower = whenPodGone(
      client,
      pod,
      () => {
        calls++;
        resolve();
      },
      clock,
    );
    return { gone, follower, calls: () => calls };
  }

  it('says so once when the pod is deleted', async () => {
    const pod = await createPod('deleted');
    const watched = follow(pod);
    await pods.delete('default', 'deleted', { gracePeriodSeconds: 0 });
    await watched.gone;
    await pods.create('default', { ...pod, metadata: { name: 'deleted' } });
    assert.equal(watched.calls(), 1);
    await pods.delete('default', 'deleted', { gracePeriodSeconds: 0 });
  });

  it('says so when the pod is replaced by a new one of the same name', async () => {
    const pod = await createPod('replaced');
    const { follower } = follow(pod);
    follower.stop();
    // A follower that starts after the replacement: the pod it was given is not the one there now.
    await pods.delete('default', 'replaced', { gracePeriodSeconds: 0 });
    await createPod('replaced');
    const watched = follow(pod);
    await watched.gone;
    await pods.delete('default', 'replaced', { gracePeriodSeconds: 0 });
  });

  it('looks again when the server ends its watch, and finds the pod gone', async () => {
    const pod = await createPod('rewatched');
    const watches: WatchHandle[] = [];
    // The pods client, whose watches the test ends as a server would (a timeout, a restart).
    const client: ResourceClient = {
      ...pods,
      get: (...args) => pods.get(...args),
      watch: (...args) => {
        const handle = pods.watch(...args);
        watches.push(handle);
        return handle;
      },
    };
    const clock = new FakeClock();
    const watched = follow(pod, client, clock);
    assert.equal(watches.length, 1);
    watches[0]!.stop();
    await watches[0]!.done;
    await pods.delete('default', 'rewatched', { gracePeriodSeconds: 0 });
    assert.equal(watched.calls(), 0, 'nothing is said while the follower waits to look again');
    clock.advance(2000);
    await watched.gone;
    assert.equal(watched.calls(), 1);
  });

  it('says nothing once stopped', async () => {
    const pod = await createPod('stopped');
    const watched = follow(pod);
    watched.follower.stop();
    await pods.delete('default', 'stopped', { gracePeriodSeconds: 0 });
    // A later pod's deletion is seen by then: its own follower proves the watch delivered.
    const later = await createPod('later');
    const laterWatched = follow(later);
    await pods.delete('default', 'later', { gracePeriodSeconds: 0 });
    await laterWatched.gone;
    assert.equal(watched.calls(), 0);
  });
});
