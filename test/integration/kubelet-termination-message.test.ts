// Termination messages on the real Docker engine: what a container writes to
// its terminationMessagePath becomes its terminated state's message (as
// `kubectl describe pod` shows it), also for a non-root user; with
// FallbackToLogsOnError a failed container that wrote nothing gets the end
// of its log; a container that succeeded gets no log fallback.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Cluster } from '../../main/cluster/cluster.ts';
import type { ContainerStatus, Pod } from '../../main/kubelet/types.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';

const name = `tm-${randomBytes(3).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'podlab-termmsg-'));
const dataDir = join(root, name);
let cluster: Cluster;

before(async () => {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
  cluster = await Cluster.start({ name, dataDir, nodes: 1, runtime: 'docker' });
});

after(async () => {
  await cluster?.stop();
  await removeClusterObjects(name);
  rmSync(root, { recursive: true, force: true });
});

const pods = () => cluster.client('test').resource<Pod>({ group: '', version: 'v1', plural: 'pods' });

async function terminated(podName: string, script: string, extra: Record<string, unknown> = {}, podExtra: Record<string, unknown> = {}): Promise<NonNullable<ContainerStatus['state']['terminated']>> {
  await pods().create('default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName },
    spec: { restartPolicy: 'Never', ...podExtra, containers: [{ name: 'app', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ...extra }] },
  } as unknown as Pod);
  return eventually(`${podName} terminated`, async () => (await pods().get('default', podName)).status?.containerStatuses?.[0]?.state.terminated);
}

test('what the container writes to /dev/termination-log is its terminated message', async () => {
  const state = await terminated('writes-message', 'echo "disk full: /data" > /dev/termination-log; exit 3');
  assert.equal(state.exitCode, 3);
  assert.equal(state.message, 'disk full: /data\n');
});

test('a custom terminationMessagePath works for a non-root user too', async () => {
  const state = await terminated('custom-path', 'echo "bye from 1000" > /tmp/why; exit 0', { terminationMessagePath: '/tmp/why' }, { securityContext: { runAsUser: 1000 } });
  assert.equal(state.exitCode, 0);
  assert.equal(state.message, 'bye from 1000\n');
});

test('FallbackToLogsOnError: a failed container that wrote nothing gets the end of its log; one that succeeded does not', async () => {
  const failed = await terminated('falls-back', 'echo first line; echo "fatal: cannot open config"; exit 2', { terminationMessagePolicy: 'FallbackToLogsOnError' });
  assert.equal(failed.exitCode, 2);
  assert.equal(failed.message, 'first line\nfatal: cannot open config');
  const succeeded = await terminated('succeeds', 'echo all good', { terminationMessagePolicy: 'FallbackToLogsOnError' });
  assert.equal(succeeded.exitCode, 0);
  assert.equal(succeeded.message, undefined);
});
