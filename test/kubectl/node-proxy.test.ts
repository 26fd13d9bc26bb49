// nodes/proxy against a Docker cluster, as the docs and monitoring setups
// reach a kubelet through the API (`kubectl get --raw
// /api/v1/nodes/NODE/proxy/...`, Prometheus' kubernetes-nodes jobs): the
// kubelet's /healthz, /configz, /pods, /stats/summary and /metrics endpoints
// with a running pod's real usage from the engine, another port of the node
// (a hostNetwork server, as node-exporter's), and the refusals: an unknown
// path, an unknown node, a user without nodes/proxy until bound to
// system:kubelet-api-admin.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `npx-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('node-proxy');
const node = 'node-1';

const manifests = `apiVersion: v1
kind: Pod
metadata: {name: busy}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: busy
    image: busybox:1.36
    command: [sh, -c, 'head -c 20000000 /dev/zero | tail -c 1 >/dev/null; sleep 3600']
    readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: exporter}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: busybox:1.36
    command: [sh, -c, 'mkdir -p /www && echo "metrics of $(hostname)" > /www/index.html && exec httpd -f -p 9100 -h /www']
`;

interface Summary {
  node: { nodeName: string; memory: { workingSetBytes: number } };
  pods: Array<{ podRef: { name: string; namespace: string }; containers: Array<{ name: string; cpu: { usageCoreNanoSeconds: number }; memory: { workingSetBytes: number } }> }>;
}

describe('nodes/proxy: the kubelet API through the API server', { timeout: 300_000 }, () => {
  let serve: PodlabServe;
  let kc: string;
  let api: ApiTarget;
  const raw = async (path: string) => kubectl(kc, ['get', '--raw', path]);
  const kubelet = (path: string) => kubectlOk(kc, ['get', '--raw', `/api/v1/nodes/${node}/proxy${path}`]);

  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    api = targetFromKubeconfig(kc);
    await kubectlOk(kc, ['apply', '-f', '-'], manifests);
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'pod/busy', 'pod/exporter', '--timeout=120s']);
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('/healthz, /configz and /pods, and the Node names the port they are served on', async () => {
    assert.equal(await kubelet('/healthz'), 'ok');
    const config = JSON.parse(await kubelet('/configz')).kubeletconfig;
    assert.equal(config.port, 10250);
    assert.equal(config.clusterDomain, 'cluster.local');
    assert.equal(config.clusterDNS.length, 1, 'the DNS add-on serves the pods');
    assert.equal(config.syncFrequency, '1m0s');
    const pods = JSON.parse(await kubelet('/pods'));
    assert.equal(pods.kind, 'PodList');
    assert.deepEqual(pods.items.map((p: { metadata: { name: string } }) => p.metadata.name).filter((n: string) => n === 'busy' || n === 'exporter').sort(), ['busy', 'exporter']);
    const endpoint = await kubectlOk(kc, ['get', 'node', node, '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}']);
    assert.equal(endpoint, '10250');
  });

  it('/stats/summary and /metrics/resource: the running pod\'s usage as the engine measures it', async () => {
    // The figures come from the kubelet's latest sampling round, as from cAdvisor's housekeeping.
    const summary = await eventually('the pod in the summary', async () => {
      const answer = JSON.parse(await kubelet('/stats/summary')) as Summary;
      return answer.pods.some((p) => p.podRef.name === 'busy') && answer;
    });
    assert.equal(summary.node.nodeName, node);
    const busy = summary.pods.find((p) => p.podRef.name === 'busy')!.containers[0]!;
    assert.equal(busy.name, 'busy');
    assert.ok(busy.memory.workingSetBytes > 0, JSON.stringify(busy));
    assert.ok(busy.cpu.usageCoreNanoSeconds > 0, JSON.stringify(busy));
    assert.ok(summary.node.memory.workingSetBytes >= busy.memory.workingSetBytes);

    const resource = await rawRequest(api, 'GET', `/api/v1/nodes/${node}/proxy/metrics/resource`);
    assert.equal(resource.status, 200);
    assert.equal(resource.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const series = /^container_memory_working_set_bytes\{container="busy",namespace="default",pod="busy"\} (\d+) \d+$/m.exec(resource.body);
    assert.ok(series && Number(series[1]) > 0, resource.body);
    assert.match(resource.body, /^# TYPE node_cpu_usage_seconds_total counter$/m);
    assert.match(resource.body, /^resource_scrape_error 0$/m);
    assert.match(await kubelet('/metrics/cadvisor'), /^container_memory_working_set_bytes\{container="busy",id="\/docker\/[0-9a-f]{64}",/m);
    assert.match(await kubelet('/metrics'), /^kubelet_running_pods [1-9]\d*$/m);
  });

  it('/metrics/probes counts each probe\'s runs by result', async () => {
    await eventually('a counted readiness probe', async () =>
      /^prober_probe_total\{container="busy",namespace="default",pod="busy",pod_uid="[0-9a-f-]+",probe_type="Readiness",result="successful"\} [1-9]\d*$/m.test(await kubelet('/metrics/probes')),
    );
  });

  it('another port is the node\'s own network: a hostNetwork server, as node-exporter\'s', async () => {
    assert.equal((await raw(`/api/v1/nodes/${node}:9100/proxy/`)).stdout, `metrics of ${node}\n`);
  });

  it('refuses as kube-apiserver and the kubelet do, and needs nodes/proxy', async () => {
    assert.match((await raw(`/api/v1/nodes/${node}/proxy/no-such-path`)).stderr, /\(NotFound\): the server could not find the requested resource/);
    assert.match((await raw('/api/v1/nodes/absent/proxy/healthz')).stderr, /\(NotFound\): nodes "absent" not found/);
    const bare = await rawRequest(api, 'GET', `/api/v1/nodes/${node}/proxy?a=1`);
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, `/api/v1/nodes/${node}/proxy/?a=1`);
    const discovery = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/api/v1'])) as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    assert.deepEqual(discovery.resources.find((r) => r.name === 'nodes/proxy'), { name: 'nodes/proxy', singularName: '', namespaced: false, kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });

    const asAlice = () => kubectl(kc, ['get', '--raw', `/api/v1/nodes/${node}/proxy/healthz`, '--as=alice']);
    assert.match((await asAlice()).stderr, /\(Forbidden\): nodes "node-1" is forbidden: User "alice" cannot get resource "nodes\/proxy" in API group "" at the cluster scope/);
    await kubectlOk(kc, ['create', 'clusterrolebinding', 'alice-kubelet', '--clusterrole=system:kubelet-api-admin', '--user=alice']);
    await eventually('alice allowed', async () => (await asAlice()).stdout === 'ok');
  });
});
