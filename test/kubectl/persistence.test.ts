// Restarts lose nothing: a clean stop and start keeps every object with the
// same resourceVersion (and the same API address, so kubeconfigs stay valid);
// a PodLab killed with SIGKILL in the middle of a stream of writes reopens
// with every acknowledged write present.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, tempDir } from '../helpers/podlabProcess.ts';
import { kubectlOk } from '../helpers/kubectl.ts';

const configMaps = '/api/v1/namespaces/default/configmaps';

async function snapshot(api: ApiTarget): Promise<Map<string, string>> {
  const list = (await rawRequest(api, 'GET', configMaps)).json();
  return new Map(list.items.map((i: any) => [i.metadata.name, i.metadata.resourceVersion]));
}

describe('persistence across restarts', () => {
  it('keeps every object and resourceVersion across a stop and start', async () => {
    const dataDir = tempDir('restart');
    try {
      const first = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], dataDir);
      const api = targetFromKubeconfig(first.kubeconfig);
      for (let i = 0; i < 20; i++) {
        const res = await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } }));
        assert.equal(res.status, 201);
      }
      await kubectlOk(first.kubeconfig, ['label', 'configmap', 'cm-3', 'edited=yes']);
      const before = await snapshot(api);
      assert.equal(await first.stop(), 0);

      const second = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], dataDir);
      try {
        assert.equal(second.kubeconfig, first.kubeconfig);
        // The same kubeconfig (same port, CA and token) still works.
        const after = await snapshot(targetFromKubeconfig(second.kubeconfig));
        assert.deepEqual([...after], [...before]);
        assert.equal((await kubectlOk(second.kubeconfig, ['get', 'cm', 'cm-3', '-o', 'jsonpath={.metadata.labels.edited}'])).trim(), 'yes');
      } finally {
        await second.stop();
      }
    } finally {
      removeDir(dataDir);
    }
  });

  it('keeps every acknowledged write when killed with SIGKILL mid-stream', async () => {
    const dataDir = tempDir('sigkill');
    try {
      const first = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], dataDir);
      const api = targetFromKubeconfig(first.kubeconfig);
      const acknowledged = new Map<string, string>();
      let writing = true;
      // Four concurrent writers, so the kill lands while requests are in flight.
      const writers = [0, 1, 2, 3].map(async (w) => {
        for (let i = 0; writing; i++) {
          const name = `w${w}-${i}`;
          try {
            const res = await rawRequest(api, 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: 'x'.repeat(512) } }));
            if (res.status === 201) acknowledged.set(name, res.json().metadata.resourceVersion);
          } catch {
            return; // the connection died with the process
          }
        }
      });
      while (acknowledged.size < 150) await new Promise((r) => setTimeout(r, 10));
      await first.kill();
      writing = false;
      await Promise.all(writers);

      const second = await startPodlab(['--runtime', 'simulated', '--nodes', '0'], dataDir);
      try {
        const after = await snapshot(targetFromKubeconfig(second.kubeconfig));
        for (const [name, rv] of acknowledged) assert.equal(after.get(name), rv, `acknowledged write ${name}@${rv} is missing after the crash`);
        // And the reopened store takes new writes.
        const res = await rawRequest(targetFromKubeconfig(second.kubeconfig), 'POST', configMaps, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-crash' } }));
        assert.equal(res.status, 201);
      } finally {
        await second.stop();
      }
    } finally {
      removeDir(dataDir);
    }
  });
});
