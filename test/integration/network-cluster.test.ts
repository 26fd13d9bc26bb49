// Networking inside a whole cluster on Docker: Cluster.start runs the
// networking before its nodes, so the kubelet gives pods the cluster DNS; a
// pod the kubelet runs resolves Service names, reaches another pod through a
// Service and the API server through `kubernetes`, and a NodePort reaches
// it from the host through its published port. The test writes the
// Endpoints itself (the endpoints controller is not part of this check).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../main/apiserver/meta/objects.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { ADDON_IMAGE } from '../../main/network/addonImage.ts';
import { removeClusterNetwork } from '../../main/network/clusterNetwork.ts';
import { createDockerClient } from '../../main/runtime/docker/engine.ts';
import { execSync } from '../../main/runtime/docker/exec.ts';
import { eventually } from './runtime-docker-fixture.ts';

const docker = createDockerClient();
const name = `net-${randomBytes(3).toString('hex')}`;
const core = (plural: string) => ({ group: '', version: 'v1', plural });

async function freeSubnet(): Promise<string> {
  const used = new Set((await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet)));
  for (;;) {
    const subnet = `10.${150 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 256)}.0/24`;
    if (!used.has(subnet)) return subnet;
  }
}

function pod(podName: string, script: string, labels: Record<string, string> = {}, image = 'busybox:1.36'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace: 'default', labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      // A pinned tag pulls only if missing (no registry is reachable here; the test setup imported it).
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ports: [{ name: 'http', containerPort: 80 }] }],
    },
  };
}

describe('networking in a cluster with Docker nodes', () => {
  let cluster: Cluster;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'podlab-net-cluster-'));
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    cluster = await Cluster.start({ name, dataDir, runtime: 'docker', nodes: 1 });
  });
  after(async () => {
    await cluster?.stop();
    const filters = JSON.stringify({ label: [`podlab.cluster=${name}`] });
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
    await removeClusterNetwork(docker, name).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs `script` in the pod's main container. */
  async function exec(podName: string, script: string): Promise<string> {
    const uid = (await cluster.client('test').resource(core('pods')).get('default', podName)).metadata.uid!;
    const [container] = await docker.listContainers({ filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${uid}`, 'io.kubernetes.container.name=main'] }) });
    assert.ok(container, `the main container of ${podName}`);
    return (await execSync(docker, container.Id, ['sh', '-c', script], 20_000)).stdout;
  }

  async function running(podName: string): Promise<string> {
    return eventually(
      `${podName} to run`,
      async () => {
        const status = (await cluster.client('test').resource(core('pods')).get('default', podName)).status as { phase?: string; podIP?: string } | undefined;
        return status?.phase === 'Running' && status.podIP ? status.podIP : undefined;
      },
      60_000,
    );
  }

  test('a pod the kubelet runs resolves and reaches Services, the API server, and is reached from the host', async () => {
    const client = cluster.client('test');
    await client.resource(core('pods')).create('default', pod('backend', 'mkdir -p /www && echo from-backend > /www/index.html && exec httpd -f -p 80 -h /www', { app: 'backend' }));
    await client.resource(core('pods')).create('default', pod('frontend', 'exec sleep 3600', {}, ADDON_IMAGE));
    const backendIP = await running('backend');
    await running('frontend');

    const service = await client.resource(core('services')).create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'backend', namespace: 'default' },
      spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 80 }] },
    });
    await client.resource(core('endpoints')).create('default', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'backend', namespace: 'default' },
      subsets: [{ addresses: [{ ip: backendIP }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
    });

    const resolvConf = await exec('frontend', 'cat /etc/resolv.conf');
    assert.match(resolvConf, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(resolvConf, /ndots:5/);

    const body = await eventually('frontend to reach backend by name', async () => {
      const out = (await exec('frontend', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 backend 80 | tail -n 1`)).trim();
      return out === 'from-backend' ? out : undefined;
    });
    assert.equal(body, 'from-backend');
    assert.match(await exec('frontend', 'nslookup kubernetes.default.svc.cluster.local'), new RegExp(`Address:\\s+${(((await client.resource(core('services')).get('default', 'kubernetes')).spec as { clusterIP: string }).clusterIP).replace(/\./g, '\\.')}`));
    // The frontend runs Node.js (the add-on's image) for an HTTPS client; anonymous, the API server answers 401 or 403.
    const script = `require('https').get('https://kubernetes.default.svc/version', { rejectUnauthorized: false }, (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => console.log(e.code))`;
    assert.match((await exec('frontend', `node -e "${script}"`)).trim(), /^(200|401|403)$/);

    const nodePort = (service.spec as { ports: Array<{ nodePort: number }> }).ports[0]!.nodePort;
    const fromHost = await eventually('the NodePort on 127.0.0.1', async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(3000) })).text();
      } catch {
        return undefined;
      }
    });
    assert.equal(fromHost, 'from-backend\n');
  });
});
