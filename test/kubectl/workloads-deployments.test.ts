// Workloads as a kubectl user drives them: the real kubectl against
// `podlab serve --runtime simulated --nodes 2`, where the scheduler binds pods
// and the simulated kubelets run them, so rollouts complete for real.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';
import { eventually } from '../helpers/eventually.ts';

interface Item {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; uid: string }> };
  spec?: Record<string, unknown> & { replicas?: number; template?: { spec: { containers: Array<{ image: string }> }; metadata?: { annotations?: Record<string, string> } } };
  status?: Record<string, unknown>;
}

let serve: PodlabServe;
let kc: string;

async function getJson<T = Item>(args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(kc, [...args, '-o', 'json'])) as T;
}

async function items(args: string[]): Promise<Item[]> {
  return (await getJson<{ items: Item[] }>(args)).items;
}

/** Polls (this is a real process: real time passes) until `check` returns something. */
/**
 * The rollout is done by kubectl's own measure (DeploymentStatusViewer and
 * StatefulSetStatusViewer), read from `kubectl get -o json`. Each test runs the
 * real `kubectl rollout status` once; here polling is cheaper: rollout status
 * lingers until PodLab's API server sends its first watch bytes.
 */
async function rolledOut(resource: string, namespace = 'default'): Promise<void> {
  await eventually(`${resource} rolled out`, async () => {
    const obj = await getJson(['get', resource, '-n', namespace]);
    const status = (obj.status ?? {}) as Record<string, number | string | undefined>;
    const generation = (obj.metadata as { generation?: number }).generation ?? 0;
    const replicas = obj.spec?.replicas ?? 1;
    if (Number(status.observedGeneration ?? 0) < generation) return false;
    if (resource.startsWith('statefulset')) return Number(status.readyReplicas ?? 0) >= replicas && Number(status.updatedReplicas ?? 0) >= replicas;
    return Number(status.updatedReplicas ?? 0) >= replicas && Number(status.replicas ?? 0) <= Number(status.updatedReplicas ?? 0) && Number(status.availableReplicas ?? 0) >= Number(status.updatedReplicas ?? 0);
  });
}

async function images(deployment: string): Promise<string[]> {
  const pods = await items(['get', 'pods', '-l', `app=${deployment}`]);
  return pods.filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp).map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0].image);
}

before(async () => {
  serve = await startPodlab(['--runtime', 'simulated', '--nodes', '2', '--name', 'workloads-test']);
  kc = serve.kubeconfig;
});

after(async () => {
  await serve?.stop();
  if (serve) removeDir(serve.dataDir);
});

describe('Deployments with kubectl', () => {
  it('create deployment, then rollout status waits until every replica is available', async () => {
    assert.match(await kubectlOk(kc, ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3']), /deployment.apps\/web created/);
    const result = await kubectl(kc, ['rollout', 'status', 'deployment/web', '--timeout=120s']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /deployment "web" successfully rolled out/);
    const deployment = await getJson(['get', 'deployment', 'web']);
    assert.deepEqual([deployment.status?.readyReplicas, deployment.status?.availableReplicas, deployment.status?.updatedReplicas], [3, 3, 3]);
    const [rs] = await items(['get', 'rs', '-l', 'app=web']);
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.equal(rs.metadata.name, `web-${hash}`);
    const pods = await items(['get', 'pods', '-l', 'app=web']);
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata.name.startsWith(`web-${hash}-`) && p.status?.phase === 'Running'));
    const table = await kubectlOk(kc, ['get', 'deployment', 'web']);
    assert.match(table, /^web\s+3\/3\s+3\s+3\s+/m);
  });

  it('a new image rolls out a new ReplicaSet, recorded in rollout history', async () => {
    await kubectlOk(kc, ['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
    await rolledOut('deployment/web');
    await eventually('only new pods', async () => (await images('web')).every((i) => i === 'nginx:1.28'));
    const history = await kubectlOk(kc, ['rollout', 'history', 'deployment/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const rss = await items(['get', 'rs', '-l', 'app=web']);
    assert.deepEqual(rss.map((rs) => rs.spec?.replicas).sort(), [0, 3]);
  });

  it('rollout undo brings the previous template back as revision 3', async () => {
    assert.match(await kubectlOk(kc, ['rollout', 'undo', 'deployment/web']), /deployment.apps\/web rolled back/);
    await rolledOut('deployment/web');
    await eventually('old image back', async () => (await images('web')).every((i) => i === 'nginx:1.27'));
    const history = await kubectlOk(kc, ['rollout', 'history', 'deployment/web']);
    assert.match(history, /\n2\s+<none>\n3\s+<none>/);
    const revision3 = await kubectlOk(kc, ['rollout', 'history', 'deployment/web', '--revision=3']);
    assert.match(revision3, /Image:\s+nginx:1.27/);
  });

  it('rollout restart, pause and resume', async () => {
    assert.match(await kubectlOk(kc, ['rollout', 'restart', 'deployment/web']), /deployment.apps\/web restarted/);
    await rolledOut('deployment/web');
    const restarted = await getJson(['get', 'deployment', 'web']);
    assert.ok(restarted.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    assert.match(await kubectlOk(kc, ['rollout', 'pause', 'deployment/web']), /deployment.apps\/web paused/);
    const before = (await items(['get', 'rs', '-l', 'app=web'])).length;
    await kubectlOk(kc, ['set', 'image', 'deployment/web', 'nginx=nginx:1.29']);
    await eventually('the pause shown', async () => {
      const d = await getJson(['get', 'deployment', 'web']);
      const conditions = (d.status?.conditions ?? []) as Array<{ type: string; reason: string }>;
      return conditions.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused');
    });
    assert.equal((await items(['get', 'rs', '-l', 'app=web'])).length, before, 'no rollout while paused');
    assert.match(await kubectlOk(kc, ['rollout', 'resume', 'deployment/web']), /deployment.apps\/web resumed/);
    await rolledOut('deployment/web');
    await eventually('the new image', async () => (await images('web')).every((i) => i === 'nginx:1.29'));
  });

  it('scale', async () => {
    assert.match(await kubectlOk(kc, ['scale', 'deployment/web', '--replicas=5']), /deployment.apps\/web scaled/);
    await eventually('5 ready', async () => (await getJson(['get', 'deployment', 'web'])).status?.readyReplicas === 5);
    const events = await kubectlOk(kc, ['get', 'events', '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=web']);
    assert.match(events, /ScalingReplicaSet\s+deployment\/web\s+(\(combined from similar events\): )?Scaled (up|down) replica set web-/);
  });

  it('delete --cascade=orphan leaves the ReplicaSets and pods, without owner', async () => {
    const pods = (await items(['get', 'pods', '-l', 'app=web'])).length;
    const result = await kubectl(kc, ['delete', 'deployment', 'web', '--cascade=orphan', '--wait=false']);
    assert.match(result.stdout, /deployment.apps "web" deleted/);
    await eventually('the Deployment gone', async () => (await kubectl(kc, ['get', 'deployment', 'web'])).code !== 0);
    const rss = await eventually('ReplicaSets orphaned', async () => {
      const found = await items(['get', 'rs', '-l', 'app=web']);
      return found.length > 0 && found.every((rs) => (rs.metadata.ownerReferences ?? []).length === 0) && found;
    });
    assert.ok(rss.some((rs) => rs.spec?.replicas === 5));
    assert.equal((await items(['get', 'pods', '-l', 'app=web'])).length, pods);
    // Cleaning up: ReplicaSets deleted in the background take their pods with them.
    await kubectlOk(kc, ['delete', 'rs', '-l', 'app=web', '--wait=false']);
    await eventually('pods collected', async () => (await items(['get', 'pods', '-l', 'app=web'])).length === 0);
  });
});

const demo = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: demo
spec:
  replicas: 2
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
      - name: api
        image: busybox:latest
        ports:
        - { name: http, containerPort: 8080 }
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: demo
spec:
  selector: { app: api }
  ports:
  - { port: 80, targetPort: http }
---
apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: demo
spec:
  clusterIP: None
  selector: { app: db }
  ports:
  - { port: 5432 }
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: demo
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      containers:
      - name: db
        image: postgres:17
`;

describe('a namespace of workloads with kubectl', () => {
  it('apply: a Deployment behind a Service gets Endpoints and EndpointSlices of its ready pods', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], demo);
    await rolledOut('deployment/api', 'demo');
    const pods = await items(['get', 'pods', '-n', 'demo', '-l', 'app=api']);
    const podIPs = pods.map((p) => String(p.status?.podIP)).sort();
    const endpoints = await eventually('Endpoints with both pods', async () => {
      const ep = await getJson(['get', 'endpoints', 'api', '-n', 'demo']);
      const subsets = (ep as unknown as { subsets?: Array<{ addresses?: Array<{ ip: string; nodeName?: string }>; ports?: Array<{ port: number }> }> }).subsets ?? [];
      return subsets[0]?.addresses?.length === 2 && subsets[0];
    });
    assert.deepEqual(endpoints.addresses?.map((a) => a.ip).sort(), podIPs);
    assert.ok(endpoints.addresses?.every((a) => /^node-[12]$/.test(a.nodeName ?? '')));
    assert.deepEqual(endpoints.ports, [{ port: 8080, protocol: 'TCP' }]);
    const slices = await items(['get', 'endpointslices', '-n', 'demo', '-l', 'kubernetes.io/service-name=api']);
    assert.equal(slices.length, 1);
    const table = await kubectlOk(kc, ['get', 'endpointslices', '-n', 'demo', '-l', 'kubernetes.io/service-name=api']);
    assert.match(table, /^api-[a-z0-9]{5}\s+IPv4\s+8080\s+10\.\S+,10\.\S+/m);
    assert.ok((await items(['get', 'serviceaccounts', '-n', 'demo'])).some((sa) => sa.metadata.name === 'default'));
  });

  it('a StatefulSet comes up in order, each member with its stable name', async () => {
    const status = await kubectl(kc, ['rollout', 'status', 'statefulset/db', '-n', 'demo', '--timeout=120s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /partitioned roll out complete: 2 new pods have been updated/);
    const pods = await items(['get', 'pods', '-n', 'demo', '-l', 'app=db']);
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['db-0', 'db-1']);
    for (const pod of pods) {
      assert.equal((pod.spec as { hostname?: string }).hostname, pod.metadata.name);
      assert.equal((pod.spec as { subdomain?: string }).subdomain, 'db');
    }
    const created = (await kubectlOk(kc, ['get', 'events', '-n', 'demo', '--field-selector', 'involvedObject.kind=StatefulSet', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'])).trim().split('\n');
    assert.ok(created.includes('create Pod db-0 in StatefulSet db successful'));
    assert.ok(created.includes('create Pod db-1 in StatefulSet db successful'));
    const [db0] = pods.filter((p) => p.metadata.name === 'db-0');
    const [db1] = pods.filter((p) => p.metadata.name === 'db-1');
    assert.ok(Date.parse(String((db0.metadata as { creationTimestamp?: string }).creationTimestamp)) <= Date.parse(String((db1.metadata as { creationTimestamp?: string }).creationTimestamp)));
    const headless = await eventually('the headless Service endpoints', async () => {
      const ep = await getJson(['get', 'endpoints', 'db', '-n', 'demo']);
      const addresses = (ep as unknown as { subsets?: Array<{ addresses?: Array<{ hostname?: string }> }> }).subsets?.[0]?.addresses ?? [];
      return addresses.length === 2 && addresses;
    });
    assert.deepEqual(headless.map((a) => a.hostname).sort(), ['db-0', 'db-1']);
  });

  it('delete namespace: Terminating, then gone with everything in it', async () => {
    const result = await kubectl(kc, ['delete', 'namespace', 'demo', '--wait=false']);
    assert.match(result.stdout, /namespace "demo" deleted/);
    await eventually('the namespace gone', async () => {
      const get = await kubectl(kc, ['get', 'namespace', 'demo']);
      return get.code !== 0 && /NotFound|not found/.test(get.stderr);
    });
    assert.equal((await items(['get', 'pods', '-n', 'demo'])).length, 0);
    assert.equal((await items(['get', 'deployments,statefulsets,services', '-n', 'demo'])).length, 0);
  });
});
