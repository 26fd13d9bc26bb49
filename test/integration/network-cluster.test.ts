// Networking inside a whole cluster on Docker, kubelet and controllers
// included: Cluster.start runs the networking before its nodes, so the
// kubelet gives pods the cluster DNS; a pod resolves Service names and
// reaches a Deployment's pod through its Service (endpoints from the
// controllers, readiness from the kubelet) and the API server
// through `kubernetes`; a NodePort reaches the Deployment from the host; a
// port-forward to the Deployment follows its pod across `kubectl delete pod`.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { startPortForward } from '../../main/network/portforward/portForward.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { ADDON_IMAGE } from '../../main/network/addonImage.ts';
import { removeClusterObjects } from '../../main/cluster/deleteCluster.ts';
import { dockerClient } from '../../main/runtime/docker/engine.ts';
import { execSync } from '../../main/runtime/docker/exec.ts';
import { freeNodePort } from './network-fixture.ts';
import { eventually } from './runtime-docker-fixture.ts';
import { freeSubnet } from '../helpers/dockerCluster.ts';

const docker = dockerClient();
const name = `net-${randomBytes(3).toString('hex')}`;
const core = (plural: string) => ({ group: '', version: 'v1', plural });

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

// Each pod answers with its own name, so a replacement is told apart.
const backend = (nodePort: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  replicas: 1
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: busybox:1.36
        imagePullPolicy: IfNotPresent
        command: [sh, -c, 'mkdir -p /www && echo from-backend-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www']
        ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  type: NodePort
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http, nodePort: ${nodePort}}]
`;

async function httpGet(port: number): Promise<string | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) })).text()).trim();
  } catch {
    return undefined;
  }
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
    await removeClusterObjects(docker, name);
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

  test('a Deployment behind a Service: reached by name from a pod, from the host by NodePort, and by port-forward across kubectl delete pod', async () => {
    const client = cluster.client('test');
    await kubectlOk(cluster.paths.kubeconfig, ['apply', '-f', '-'], backend(await freeNodePort()));
    await client.resource(core('pods')).create('default', pod('frontend', 'exec sleep 3600', {}, ADDON_IMAGE));
    await running('frontend');
    const nodePort = await eventually('the NodePort', async () => {
      const service = await client.resource(core('services')).get('default', 'backend');
      return (service.spec as { ports: Array<{ nodePort?: number }> }).ports[0]?.nodePort;
    });

    const resolvConf = await exec('frontend', 'cat /etc/resolv.conf');
    assert.match(resolvConf, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(resolvConf, /ndots:5/);

    // The endpoints controller lists the pod once the kubelet reports it Ready.
    const body = await eventually(
      'frontend to reach backend by name',
      async () => {
        const out = (await exec('frontend', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 backend 80 | tail -n 1`)).trim();
        return out.startsWith('from-') ? out : undefined;
      },
      60_000,
    );
    assert.match(body, /^from-backend-/);
    const kubernetesIP = ((await client.resource(core('services')).get('default', 'kubernetes')).spec as { clusterIP: string }).clusterIP;
    assert.match(await exec('frontend', 'nslookup kubernetes.default.svc.cluster.local'), new RegExp(`Address:\\s+${kubernetesIP.replace(/\./g, '\\.')}`));
    // The frontend runs Node.js (the add-on's image) for an HTTPS client; anonymous, the API server answers 401 or 403.
    const script = `require('https').get('https://kubernetes.default.svc/version', { rejectUnauthorized: false }, (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => console.log(e.code))`;
    assert.match((await exec('frontend', `node -e "${script}"`)).trim(), /^(200|401|403)$/);

    assert.match(await eventually('the NodePort on 127.0.0.1', () => httpGet(nodePort)), /^from-backend-/);

    const forward = await startPortForward(cluster, 'deploy/backend', ':http');
    try {
      const first = await httpGet(forward.localPort);
      assert.match(first ?? '', /^from-backend-/);
      await kubectlOk(cluster.paths.kubeconfig, ['delete', 'pod', '-l', 'app=backend', '--wait=false']);
      const second = await eventually(
        'the forward to reach the replacement pod',
        async () => {
          const answer = await httpGet(forward.localPort);
          return answer && answer !== first ? answer : undefined;
        },
        90_000,
      );
      assert.match(second, /^from-backend-/);
    } finally {
      await forward.stop();
    }
  });
});
