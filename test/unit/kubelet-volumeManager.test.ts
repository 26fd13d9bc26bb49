// The volume manager of a node whose containers cannot open files (a
// simulated node's): payloads are still made, so a missing ConfigMap fails
// the mount with the kubelet's words and an optional one does not, but no
// file is written and no termination-message file made. A node whose
// containers open files gets both.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ObjectNotFoundError } from '../../main/kubelet/podObjects.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import { VolumeManager, VolumeSetupError } from '../../main/kubelet/volumeManager.ts';
import type { PayloadContext } from '../../main/kubelet/volumePayloads.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';

const root = mkdtempSync(join(tmpdir(), 'podlab-volumes-'));
after(() => rmSync(root, { recursive: true, force: true }));

const pod = (volumes: Pod['spec']['volumes']): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers: [{ name: 'app', image: 'busybox' }], volumes } });

function context(p: Pod): PayloadContext {
  const configMaps: Record<string, Map<string, Buffer>> = { settings: new Map([['mode', Buffer.from('fast')]]) };
  return {
    pod: p,
    podIPs: ['10.0.0.5'],
    hostIPs: ['10.0.0.2'],
    allocatable: { cpu: '4', memory: '8Gi' },
    objects: {
      configMap: async (_namespace, name) => {
        const data = configMaps[name];
        if (!data) throw new ObjectNotFoundError('configmap', name);
        return data;
      },
      secret: async (_namespace, name) => {
        throw new ObjectNotFoundError('secret', name);
      },
      claimedVolume: async () => {
        throw new Error('no claims here');
      },
    },
  };
}

const container = { name: 'app', image: 'busybox', terminationMessagePath: '/dev/termination-log' };

for (const writesFiles of [false, true]) {
  const label = writesFiles ? 'containers open files' : 'containers cannot open files';
  const nodeRoot = join(root, label);
  const volumes = new VolumeManager(new SimulatedRuntime({ cluster: 'c', node: 'n' }), nodeRoot, writesFiles);

  test(`a missing ConfigMap fails the mount; an optional one does not (${label})`, async () => {
    const missing = pod([{ name: 'conf', configMap: { name: 'absent' } }]);
    await assert.rejects(volumes.setUp(missing, context(missing)), (error: unknown) => {
      assert.ok(error instanceof VolumeSetupError);
      assert.equal(error.message, 'MountVolume.SetUp failed for volume "conf" : configmap "absent" not found');
      return true;
    });
    const optional = pod([{ name: 'conf', configMap: { name: 'absent', optional: true } }]);
    assert.equal((await volumes.setUp(optional, context(optional))).size, 1);
  });

  test(`a ConfigMap's files and a termination-message file are written only where containers open files (${label})`, async () => {
    const present = pod([{ name: 'conf', configMap: { name: 'settings' } }]);
    const mounted = await volumes.setUp(present, context(present));
    const dir = join(nodeRoot, 'pods', 'uid-1', 'volumes', 'kubernetes.io~configmap', 'conf');
    assert.deepEqual(mounted.get('conf')?.source, { type: 'hostPath', path: dir });
    const message = await volumes.terminationMessageMount('uid-1', container, 0);
    if (writesFiles) {
      assert.equal(readFileSync(join(dir, 'mode'), 'utf8'), 'fast');
      assert.equal(message?.containerPath, '/dev/termination-log');
    } else {
      assert.equal(existsSync(nodeRoot), false);
      assert.equal(message, undefined);
    }
    await volumes.tearDown('uid-1', []);
    assert.equal(existsSync(join(nodeRoot, 'pods', 'uid-1')), false);
  });
}
