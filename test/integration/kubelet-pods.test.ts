// The kubelet on the real Docker engine, through a whole cluster started in
// this process (2 nodes): what the API reports is checked against what
// `docker inspect` sees. One cluster for the file; everything it creates
// carries its cluster label and is removed at the end.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';

import type { Container, ContainerStatus, Pod } from '../../main/kubelet/types.ts';
import { eventually } from '../helpers/eventually.ts';

const docker = new Docker();
const cluster = `kl-${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'podlab-kubelet-'));
const hostDir = mkdtempSync(join(tmpdir(), 'podlab-kubelet-host-'));
let running: Cluster;

const pods = () => running.client('test').resource<Pod>({ group: '', version: 'v1', plural: 'pods' });
const resource = (plural: string, group = '') => running.client('test').resource({ group, version: 'v1', plural });

async function createPod(name: string, spec: Partial<Pod['spec']> & { containers: Container[] }): Promise<Pod> {
  return pods().create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { test: 'kubelet' } }, spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 5, ...spec } } as Pod);
}

async function podWhere(name: string, what: string, check: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod> {
  let last: Pod | undefined;
  try {
    return await eventually(what, async () => {
      last = await pods().get('default', name);
      return check(last) ? last : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}

const status = (pod: Pod, name = pod.spec.containers[0]!.name): ContainerStatus | undefined =>
  [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === name);

async function podEvents(name: string): Promise<string[]> {
  const events = await resource('events').list('default', { fieldSelector: `involvedObject.name=${name}` }).catch(async () => resource('events').list('default'));
  return events.items
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => `${e.reason}: ${e.message}`);
}

async function containersOf(pod: Pod): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`] }) });
}

/** What a command run in the container prints (stdout and stderr, in Docker's multiplexed frames). */
async function execOutput(containerID: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(containerID.replace('docker://', '')).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  return new Promise<string>((resolve, reject) =>
    exec.start({}, (error, stream) => {
      if (error || !stream) return reject(error);
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString()));
      stream.on('end', () => resolve(text));
    }),
  );
}

const busybox = (name: string, script: string, extra: Partial<Container> = {}): Container => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script], ...extra });
// PID 1 ignores SIGTERM unless it traps it: these exit at once, so deletions are quick.
const sleeper = (name: string, extra: Partial<Container> = {}) => busybox(name, "trap 'exit 0' TERM; while true; do sleep 1; done", extra);

describe('kubelet on Docker', () => {
  before(async () => {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    running = await Cluster.start({ name: cluster, dataDir, runtime: 'docker', nodes: 2 });
  });

  after(async () => {
    await running?.stop();
    await removeClusterObjects(cluster);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  });

  test('both nodes register Ready, backed by their node containers, with a lease', async () => {
    const nodes = await eventually('two Ready nodes', async () => {
      const list = await resource('nodes').list();
      const ready = list.items.filter((n) => (n.status as { conditions?: Array<{ type: string; status: string }> }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === 2 ? ready.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)) : undefined;
    });
    assert.deepEqual(nodes.map((n) => n.metadata.name), ['node-1', 'node-2']);
    for (const node of nodes) {
      const info = await docker.getContainer(`podlab-${cluster}-${node.metadata.name}`).inspect();
      assert.equal(info.State.Running, true);
      const status = node.status as { addresses: Array<{ type: string; address: string }>; nodeInfo: Record<string, string>; capacity: Record<string, string>; conditions: Array<{ type: string; reason: string; message: string }> };
      const ip = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
      assert.deepEqual(status.addresses, [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: node.metadata.name }]);
      assert.equal(status.nodeInfo.kubeletVersion, 'v1.32.0');
      assert.match(status.nodeInfo.containerRuntimeVersion!, /^docker:\/\/\d+\./);
      assert.equal(status.capacity.pods, '110');
      const ready = status.conditions.find((c) => c.type === 'Ready')!;
      assert.deepEqual([ready.reason, ready.message], ['KubeletReady', 'kubelet is posting ready status']);
      assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], node.metadata.name);
      const lease = await resource('leases', 'coordination.k8s.io').get('kube-node-lease', node.metadata.name!);
      assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, node.metadata.name);
    }
    assert.equal(nodes[0]!.metadata.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.equal(nodes[1]!.metadata.labels?.['node-role.kubernetes.io/control-plane'], undefined);
  });

  test('an httpd pod runs in its sandbox network namespace, answers on its published port, and is deleted gracefully', async () => {
    const marker = join(hostDir, 'hooks');
    await createPod('web', {
      nodeName: 'node-2',
      volumes: [{ name: 'host', hostPath: { path: marker, type: 'DirectoryOrCreate' } }],
      containers: [
        {
          ...busybox('app', "mkdir -p /www; echo hello > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait", { ports: [{ containerPort: 8080 }] }),
          volumeMounts: [{ name: 'host', mountPath: '/hooks' }],
          lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /hooks/postStart'] } }, preStop: { exec: { command: ['sh', '-c', 'echo stopping > /hooks/preStop'] } } },
          resources: { limits: { cpu: '500m', memory: '64Mi' } },
        },
      ],
    });
    const pod = await podWhere('web', 'web Running and Ready', (p) => p.status?.phase === 'Running' && status(p)?.ready === true);
    const app = status(pod)!;
    assert.equal(pod.status?.qosClass, 'Guaranteed');
    assert.ok(pod.status?.startTime);
    assert.deepEqual(
      pod.status?.conditions?.map((c) => `${c.type}=${c.status}`),
      ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True'],
    );
    const [sandbox] = (await containersOf(pod)).filter((c) => c.Labels['io.kubernetes.docker.type'] === 'podsandbox');
    assert.ok(sandbox, 'a pause container');
    const pause = await docker.getContainer(sandbox.Id).inspect();
    const container = await docker.getContainer(app.containerID!.replace('docker://', '')).inspect();
    assert.equal(container.HostConfig.NetworkMode, `container:${pause.Id}`);
    assert.equal(container.HostConfig.IpcMode, `container:${pause.Id}`);
    assert.equal(Object.values(pause.NetworkSettings.Networks)[0]!.IPAddress, pod.status?.podIP);
    assert.equal(pause.Config.Hostname, 'web');
    assert.equal(pause.Config.Labels['podlab.node'], 'node-2');
    assert.equal(pod.status?.hostIP, (await resource('nodes').get(undefined, 'node-2')).status && ((await resource('nodes').get(undefined, 'node-2')).status as { addresses: Array<{ address: string }> }).addresses[0]!.address);
    assert.equal(container.HostConfig.NanoCpus, 500_000_000);
    assert.equal(container.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(readFileSync(join(marker, 'postStart'), 'utf8').trim(), 'started');

    const published = pause.NetworkSettings.Ports['8080/tcp']?.[0];
    assert.equal(published?.HostIp, '127.0.0.1');
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port: Number(published!.HostPort), path: '/index.html' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(body.trim(), 'hello');
    const events = await podEvents('web');
    for (const expected of ['Pulled: Container image "busybox:1.36" already present on machine', 'Created: Created container app', 'Started: Started container app']) {
      assert.ok(events.includes(expected), `${expected} in ${events.join(' | ')}`);
    }

    await pods().delete('default', 'web');
    await eventually('web gone from the API', async () => !(await pods().list('default')).items.some((p) => p.metadata.name === 'web'));
    assert.equal(readFileSync(join(marker, 'preStop'), 'utf8').trim(), 'stopping');
    assert.ok((await podEvents('web')).includes('Killing: Stopping container app'));
    await eventually('no container left', async () => (await containersOf(pod)).length === 0);
  });

  test('a crashing container goes to CrashLoopBackOff with a growing back-off and climbing restarts', async () => {
    await createPod('crash', { containers: [busybox('crash', 'echo dying; exit 1')] });
    const backoffs = new Set<string>();
    const pod = await podWhere(
      'crash',
      'three restarts and two back-off steps',
      (p) => {
        const s = status(p);
        const message = s?.state.waiting?.reason === 'CrashLoopBackOff' ? s.state.waiting.message : undefined;
        if (message) backoffs.add(/^back-off (\S+) /.exec(message)?.[1] ?? message);
        return (s?.restartCount ?? 0) >= 3 && backoffs.size >= 2;
      },
      60_000,
    );
    const s = status(pod)!;
    assert.deepEqual([...backoffs].slice(0, 2), ['2s', '4s']);
    assert.equal(s.lastState.terminated?.exitCode, 1);
    assert.equal(s.lastState.terminated?.reason, 'Error');
    assert.equal(pod.status?.phase, 'Running');
    assert.ok((await podEvents('crash')).some((e) => e.startsWith(`BackOff: Back-off restarting failed container crash in pod crash_default(${pod.metadata.uid})`)));
    // Each container keeps its current and previous instance only.
    assert.ok((await containersOf(pod)).filter((c) => c.Labels['io.kubernetes.docker.type'] === 'container').length <= 3);
    await pods().delete('default', 'crash', { gracePeriodSeconds: 0 });
  });

  test('an image that cannot be pulled gives ErrImagePull, then ImagePullBackOff; Never gives ErrImageNeverPull', async () => {
    // A registry on a closed loopback port: the pull fails without leaving the machine.
    await createPod('nopull', { containers: [{ name: 'app', image: '127.0.0.1:1/podlab/missing:1', imagePullPolicy: 'IfNotPresent' }] });
    await createPod('never', { containers: [{ name: 'app', image: 'podlab/absent:1', imagePullPolicy: 'Never' }] });
    const seen = new Set<string>();
    await podWhere('nopull', 'ErrImagePull then ImagePullBackOff', (p) => {
      const reason = status(p)?.state.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && reason === 'ImagePullBackOff';
    });
    const nopull = await pods().get('default', 'nopull');
    assert.match(status(nopull)!.state.waiting!.message!, /^Back-off pulling image "127\.0\.0\.1:1\/podlab\/missing:1": ErrImagePull: /);
    const events = await podEvents('nopull');
    assert.ok(events.includes('Pulling: Pulling image "127.0.0.1:1/podlab/missing:1"'));
    assert.ok(events.some((e) => e.startsWith('Failed: Failed to pull image "127.0.0.1:1/podlab/missing:1": ')));
    assert.ok(events.includes('Failed: Error: ErrImagePull'));
    assert.ok(events.includes('BackOff: Back-off pulling image "127.0.0.1:1/podlab/missing:1"'));
    assert.ok(events.includes('Failed: Error: ImagePullBackOff'));
    const never = await podWhere('never', 'ErrImageNeverPull', (p) => status(p)?.state.waiting?.reason === 'ErrImageNeverPull');
    assert.equal(status(never)!.state.waiting!.message, 'Container image "podlab/absent:1" is not present with pull policy of Never');
    assert.equal(never.status?.phase, 'Pending');
    await pods().delete('default', 'nopull', { gracePeriodSeconds: 0 });
    await pods().delete('default', 'never', { gracePeriodSeconds: 0 });
  });

  test('a missing ConfigMap keeps the pod in ContainerCreating with FailedMount, until it exists', async () => {
    await createPod('needs-cfg', {
      volumes: [{ name: 'cfg', configMap: { name: 'missing', items: [{ key: 'greeting', path: 'hello.txt' }] } }],
      containers: [sleeper('app', { volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] })],
    });
    await eventually('FailedMount event', async () => (await podEvents('needs-cfg')).includes('FailedMount: MountVolume.SetUp failed for volume "cfg" : configmap "missing" not found'));
    const waiting = await pods().get('default', 'needs-cfg');
    assert.equal(waiting.status?.phase, 'Pending');
    assert.deepEqual(status(waiting)?.state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal((await containersOf(waiting)).length, 0, 'no sandbox before the volumes are ready');

    await resource('configmaps').create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'missing' }, data: { greeting: 'hi there' } } as KubeObject);
    const pod = await podWhere('needs-cfg', 'needs-cfg Running', (p) => p.status?.phase === 'Running', 60_000);
    const exec = await docker.getContainer(status(pod)!.containerID!.replace('docker://', '')).exec({ Cmd: ['cat', '/etc/cfg/hello.txt'], AttachStdout: true });
    const output = await new Promise<string>((resolve, reject) =>
      exec.start({}, (error, stream) => {
        if (error || !stream) return reject(error);
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
      }),
    );
    assert.match(output, /hi there/);
    await pods().delete('default', 'needs-cfg');
  });

  /** Pod `name` of two containers sharing an emptyDir at /shared: `writer` writes `text` there; resolves once `reader` reads it back. */
  async function sharedEmptyDir(name: string, emptyDir: object, text: string, extra: Partial<Pod['spec']> = {}) {
    const volumeMounts = [{ name: 'shared', mountPath: '/shared' }];
    await createPod(name, {
      ...extra,
      volumes: [{ name: 'shared', emptyDir }],
      containers: [sleeper('writer', { command: ['sh', '-c', `echo ${text} > /shared/msg; trap 'exit 0' TERM; while true; do sleep 1; done`], volumeMounts }), sleeper('reader', { volumeMounts })],
    });
    const pod = await podWhere(name, `${name} Running`, (p) => p.status?.phase === 'Running', 60_000);
    const read = (cmd: string[]) => execOutput(status(pod, 'reader')!.containerID!, cmd);
    await eventually(`the writer's file seen by the reader in ${name}`, async () => (await read(['cat', '/shared/msg'])).includes(text));
    return { pod, read };
  }

  test('an emptyDir with medium Memory is one tmpfs shared by the pod\'s containers, removed with the pod', async () => {
    const { pod, read } = await sharedEmptyDir('shm', { medium: 'Memory', sizeLimit: '16Mi' }, 'from-writer');
    assert.match(await read(['sh', '-c', 'grep " /shared " /proc/mounts']), /tmpfs .*size=16384k/);
    await pods().delete('default', 'shm', { gracePeriodSeconds: 0 });
    await eventually('the pod\'s memory volume removed', async () => {
      const { Volumes } = await docker.listVolumes({ filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`] }) });
      return (Volumes ?? []).length === 0;
    });
  });

  test('an emptyDir is 0777 as the kubelet makes it: a container running as user 1000 writes there, another reads it', async () => {
    const { read } = await sharedEmptyDir('nonroot', {}, 'from-1000', { securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 } });
    assert.match(await read(['stat', '-c', '%a %u', '/shared']), /\b777 0\b/);
    await pods().delete('default', 'nonroot', { gracePeriodSeconds: 0 });
  });

  test('env resolves downward API, ConfigMap keys and $(VAR); init containers run first; runAsNonRoot refuses root', async () => {
    await resource('configmaps').create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { MODE: 'fast' } } as KubeObject);
    await createPod('envs', {
      initContainers: [busybox('setup', 'echo ready > /work/state', { volumeMounts: [{ name: 'work', mountPath: '/work' }] })],
      volumes: [{ name: 'work', emptyDir: {} }],
      containers: [
        sleeper('app', {
          volumeMounts: [{ name: 'work', mountPath: '/work' }],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
            { name: 'SUMMARY', value: '$(POD_NAME) runs $(MODE)' },
          ],
        }),
      ],
    });
    await createPod('rootless', { containers: [sleeper('app', { securityContext: { runAsNonRoot: true } })] });

    const pod = await podWhere('envs', 'envs Running', (p) => p.status?.phase === 'Running');
    assert.equal(status(pod, 'setup')?.state.terminated?.reason, 'Completed');
    assert.deepEqual(pod.status?.initContainerStatuses?.map((s) => s.ready), [true]);
    const env = (await docker.getContainer(status(pod)!.containerID!.replace('docker://', '')).inspect()).Config.Env;
    for (const expected of ['POD_NAME=envs', `POD_IP=${pod.status?.podIP}`, 'MODE=fast', 'SUMMARY=envs runs fast']) assert.ok(env.includes(expected), `${expected} in ${env.join(' ')}`);

    const rootless = await podWhere('rootless', 'CreateContainerConfigError', (p) => status(p)?.state.waiting?.reason === 'CreateContainerConfigError');
    assert.equal(status(rootless)!.state.waiting!.message, `container has runAsNonRoot and image will run as root (pod: "rootless_default(${rootless.metadata.uid})", container: app)`);
    await pods().delete('default', 'envs');
    await pods().delete('default', 'rootless');
  });

  test('a pod past its activeDeadlineSeconds fails with DeadlineExceeded and is stopped; a finished pod keeps its containers', async () => {
    await createPod('deadline', { activeDeadlineSeconds: 2, containers: [sleeper('app')] });
    await createPod('done', { restartPolicy: 'Never', containers: [busybox('app', 'exit 0')] });
    const failed = await podWhere('deadline', 'DeadlineExceeded', (p) => p.status?.phase === 'Failed');
    assert.deepEqual([failed.status?.reason, failed.status?.message], ['DeadlineExceeded', 'Pod was active on the node longer than the specified deadline']);
    await eventually('its container stopped', async () => (await containersOf(failed)).every((c) => c.State !== 'running'));
    assert.ok((await podEvents('deadline')).includes('DeadlineExceeded: Pod was active on the node longer than the specified deadline'));
    const done = await podWhere('done', 'done Succeeded', (p) => p.status?.phase === 'Succeeded');
    assert.equal(status(done)?.state.terminated?.reason, 'Completed');
    assert.ok((await containersOf(done)).some((c) => c.Labels['io.kubernetes.docker.type'] === 'container'), 'kept for its logs until the pod is deleted');
    await pods().delete('default', 'deadline');
    await pods().delete('default', 'done');
    await eventually('finished pods removed with their containers', async () => (await containersOf(failed)).length === 0 && (await containersOf(done)).length === 0);
  });

  test('hostNetwork pods join the node container; shareProcessNamespace shares the sandbox PID namespace', async () => {
    await createPod('hostnet', { hostNetwork: true, containers: [sleeper('app')] });
    await createPod('shared-pid', { shareProcessNamespace: true, containers: [sleeper('app')] });
    const hostnet = await podWhere('hostnet', 'hostnet Running', (p) => p.status?.phase === 'Running');
    const node = await docker.getContainer(`podlab-${cluster}-node-1`).inspect();
    const app = await docker.getContainer(status(hostnet)!.containerID!.replace('docker://', '')).inspect();
    assert.equal(app.HostConfig.NetworkMode, `container:${node.Id}`);
    assert.equal(hostnet.status?.podIP, Object.values(node.NetworkSettings.Networks)[0]!.IPAddress);
    const shared = await podWhere('shared-pid', 'shared-pid Running', (p) => p.status?.phase === 'Running');
    const sandbox = (await containersOf(shared)).find((c) => c.Labels['io.kubernetes.docker.type'] === 'podsandbox')!;
    const sharedApp = await docker.getContainer(status(shared)!.containerID!.replace('docker://', '')).inspect();
    assert.equal(sharedApp.HostConfig.PidMode, `container:${sandbox.Id}`);
    await pods().delete('default', 'hostnet');
    await pods().delete('default', 'shared-pid');
  });
});
