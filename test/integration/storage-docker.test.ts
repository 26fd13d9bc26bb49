// Volumes that outlive pods on the real Docker engine, through a whole
// cluster started in this process: kind's default class `standard`, a claim
// provisioned by the local-path provisioner for the node its pod was
// scheduled to, data kept across pod deletion, StatefulSet claim templates,
// and a claim in use held by its pvc-protection finalizer. Everything the
// cluster creates carries its label and is removed at the end.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';

const docker = new Docker();
const cluster = `st-${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'podlab-storage-'));
let running: Cluster;

const resource = (plural: string, group = '') => running.client('test').resource({ group, version: 'v1', plural });
const pods = () => running.client('test').resource<Pod>({ group: '', version: 'v1', plural: 'pods' });
const claims = () => resource('persistentvolumeclaims');

const kubectl = async (...args: string[]) => (await promisify(execFile)('kubectl', ['--kubeconfig', join(dataDir, 'kubeconfig'), ...args])).stdout;

function claim(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
}

function podUsing(name: string, claimName: string, script: string): Pod {
  const container: Container = { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] } as Container;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [container], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  } as Pod;
}

async function podWhere(name: string, what: string, check: (pod: Pod) => boolean): Promise<Pod> {
  return eventually(what, async () => {
    const pod = await pods().get('default', name);
    return check(pod) ? pod : undefined;
  }, 120_000);
}

async function claimPhase(name: string, phase: string): Promise<KubeObject> {
  return eventually(`claim ${name} ${phase}`, async () => {
    const c = await claims().get('default', name);
    return (c.status as { phase?: string } | undefined)?.phase === phase ? c : undefined;
  }, 120_000);
}

async function gone(get: () => Promise<unknown>, what: string): Promise<void> {
  await eventually(what, async () => {
    try {
      await get();
      return false;
    } catch (err) {
      return (err as { code?: number }).code === 404;
    }
  }, 120_000);
}

describe('storage on Docker', () => {
  before(async () => {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    running = await Cluster.start({ name: cluster, dataDir, runtime: 'docker', nodes: 1 });
  });

  after(async () => {
    await running?.stop();
    await removeClusterObjects(cluster);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('kubectl get storageclass shows kind\'s default class', async () => {
    const out = await kubectl('get', 'storageclass');
    assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE/m);
    assert.match(out, /^standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s/m);
  });

  test('a claim is provisioned for its pod\'s node and keeps its data after the pod is deleted and recreated', async () => {
    await claims().create('default', claim('data'));
    await pods().create('default', podUsing('writer', 'data', 'echo kept > /data/hello'));
    const bound = await claimPhase('data', 'Bound');
    const pvName = (bound.spec as { volumeName: string }).volumeName;
    const volumes = await docker.listVolumes({ filters: JSON.stringify({ name: [`podlab-${pvName}`] }) });
    assert.equal(volumes.Volumes?.length, 1, 'the named volume exists');
    assert.equal(volumes.Volumes![0]!.Labels?.[LABEL_CLUSTER], cluster, 'labelled with the cluster, so cluster delete removes it');
    await podWhere('writer', 'writer Succeeded', (p) => p.status?.phase === 'Succeeded');
    await pods().delete('default', 'writer', { gracePeriodSeconds: 0 });
    await gone(() => pods().get('default', 'writer'), 'writer gone');
    await pods().create('default', podUsing('writer', 'data', 'cat /data/hello > /dev/termination-log'));
    const reader = await podWhere('writer', 'reader Succeeded', (p) => p.status?.phase === 'Succeeded');
    assert.equal(reader.status?.containerStatuses?.[0]?.state?.terminated?.message?.trim(), 'kept');
  });

  test('a static hostPath PersistentVolume is bound by name and its host directory mounted', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'podlab-static-pv-'));
    writeFileSync(join(hostDir, 'greeting'), 'from the host');
    try {
      await resource('persistentvolumes').create(undefined, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `static-${cluster}` },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: hostDir, type: 'Directory' } },
      });
      await claims().create('default', { ...claim('static'), spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: `static-${cluster}`, resources: { requests: { storage: '1Gi' } } } });
      await claimPhase('static', 'Bound');
      await pods().create('default', podUsing('static-reader', 'static', 'cat /data/greeting > /dev/termination-log'));
      const reader = await podWhere('static-reader', 'static reader Succeeded', (p) => p.status?.phase === 'Succeeded');
      assert.equal(reader.status?.containerStatuses?.[0]?.state?.terminated?.message?.trim(), 'from the host');
    } finally {
      await pods().delete('default', 'static-reader', { gracePeriodSeconds: 0 }).catch(() => undefined);
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  test('subPath works into emptyDir and claim volumes, made when missing', async () => {
    await claims().create('default', claim('sub'));
    const container = {
      name: 'c',
      image: 'busybox:1.36',
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', "echo -n 1 > /s/f && echo -n 2 > /c/f && cat /all/a/b/f /call/x/f > /dev/termination-log"],
      volumeMounts: [
        { name: 'scratch', mountPath: '/s', subPath: 'a/b' },
        { name: 'scratch', mountPath: '/all' },
        { name: 'data', mountPath: '/c', subPath: 'x' },
        { name: 'data', mountPath: '/call', readOnly: true },
      ],
    };
    await pods().create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'subpaths' },
      spec: { restartPolicy: 'Never', containers: [container], volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'sub' } }] },
    } as unknown as Pod);
    const done = await podWhere('subpaths', 'subpaths finished', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.message, '12', JSON.stringify(done.status));
    await pods().delete('default', 'subpaths', { gracePeriodSeconds: 0 });
  });

  test('a StatefulSet of 2 gets data-web-0 and data-web-1 Bound', async () => {
    await resource('statefulsets', 'apps').create('default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        serviceName: 'web',
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    await claimPhase('data-web-0', 'Bound');
    await claimPhase('data-web-1', 'Bound');
  });

  test('deleting a claim in use waits (Terminating, finalizer) until its pod goes; its volume is then deleted', async () => {
    // The finished reader no longer holds the claim, but its container still references the volume on Docker.
    await pods().delete('default', 'writer', { gracePeriodSeconds: 0 });
    await pods().create('default', podUsing('holder', 'data', "trap 'exit 0' TERM; while true; do sleep 1; done"));
    await podWhere('holder', 'holder Running', (p) => p.status?.phase === 'Running');
    const pvName = ((await claims().get('default', 'data')).spec as { volumeName: string }).volumeName;
    await claims().delete('default', 'data');
    const held = await claims().get('default', 'data');
    assert.ok(held.metadata.deletionTimestamp);
    assert.deepEqual(held.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.match(await kubectl('get', 'pvc', 'data'), /^data\s+Terminating\s/m);
    await pods().delete('default', 'holder', { gracePeriodSeconds: 0 });
    await gone(() => claims().get('default', 'data'), 'claim gone');
    await gone(() => resource('persistentvolumes').get(undefined, pvName), 'volume deleted by its reclaim policy');
    await eventually('named volume removed', async () => ((await docker.listVolumes({ filters: JSON.stringify({ name: [`podlab-${pvName}`] }) })).Volumes ?? []).length === 0, 60_000);
  });
});
