// A full disk under the cluster's data: writes are refused whole with a
// message that says what happened and what to do, reads go on, the store is
// not corrupted, and writes work again once there is space. The data
// directory is a small tmpfs mounted for the test (the tests run as root).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { kubectl } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const configMaps = '/api/v1/namespaces/default/configmaps';
const mountPoint = tempDir('disk-full');

function configMap(name: string, bytes: number): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: 'x'.repeat(bytes) } });
}

describe('a full disk under the data directory', () => {
  let serve: PodlabServe | undefined;
  let api: ApiTarget;

  before(async () => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
    } catch (err) {
      throw new Error(`this test mounts a 16 MiB tmpfs and needs root (or CAP_SYS_ADMIN): ${(err as Error).message}`);
    }
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], join(mountPoint, 'cluster'), tempDir('disk-full-home'));
    api = targetFromKubeconfig(serve.kubeconfig);
  });
  after(async () => {
    await serve?.stop();
    try {
      execFileSync('umount', [mountPoint]);
    } catch {
      // Already unmounted, or never mounted.
    }
    removeDir(mountPoint);
  });

  it('refuses writes with etcd\'s "database space exceeded" 500 naming the full disk, keeps reads, and takes writes again once space is freed', async () => {
    const stored: string[] = [];
    for (let i = 0; i < 4; i++) {
      assert.equal((await rawRequest(api, 'POST', configMaps, configMap(`before-${i}`, 100_000))).status, 201);
      stored.push(`before-${i}`);
    }
    // Fill what is left of the file system, so the next large write cannot fit.
    const filler = join(mountPoint, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=64'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": the disk is full, which is the point.
    }
    let refused: { status: number; json(): any } | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await rawRequest(api, 'POST', configMaps, configMap(`full-${i}`, 400_000));
      if (res.status === 201) stored.push(`full-${i}`);
      else refused = res;
    }
    assert.ok(refused, 'a write was refused once the disk was full');
    // As kube-apiserver answers when etcd is out of space: an unclassified 500 in etcd's words (PodLab adds what they mean here).
    assert.equal(refused.status, 500);
    const status = refused.json();
    assert.equal(status.reason, undefined);
    assert.match(status.message, /^etcdserver: mvcc: database space exceeded \(the disk holding the cluster's store, .*state\.db, is full: the write was not made; free some space and retry\)$/);
    const byKubectl = await kubectl(serve!.kubeconfig, ['create', '-f', '-'], configMap('from-kubectl', 400_000));
    assert.notEqual(byKubectl.code, 0);
    assert.match(byKubectl.stderr, /^Error from server: error when creating "STDIN": etcdserver: mvcc: database space exceeded \(the disk holding/);

    // Reads go on while the disk is full.
    const listed = (await rawRequest(api, 'GET', configMaps)).json();
    assert.deepEqual(listed.items.map((i: any) => i.metadata.name).filter((n: string) => n !== 'kube-root-ca.crt').sort(), [...stored].sort());

    rmSync(filler);
    assert.equal((await rawRequest(api, 'POST', configMaps, configMap('after-space', 100_000))).status, 201);
    stored.push('after-space');

    // The store reopens whole: not corrupted, every acknowledged write, and nothing else.
    assert.equal(await serve!.stop(), 0);
    const db = new Database(join(mountPoint, 'cluster', 'state.db'), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], join(mountPoint, 'cluster'), tempDir('disk-full-home'));
    api = targetFromKubeconfig(serve.kubeconfig);
    const reopened = (await rawRequest(api, 'GET', configMaps)).json();
    assert.deepEqual(reopened.items.map((i: any) => i.metadata.name).filter((n: string) => n !== 'kube-root-ca.crt').sort(), [...stored].sort());
  });
});
