// When the Docker engine goes away the node says so: Ready=False with the
// kubelet's "container runtime is down", and Ready again once it answers.
// The engine is shared with other tests, so it is never stopped: the kubelet
// talks to it through a socket proxy this test closes and reopens.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { Kubelet } from '../../main/kubelet/kubelet.ts';
import { desktopTimings } from '../../main/kubelet/timings.ts';
import { DockerRuntime } from '../../main/runtime/docker/dockerRuntime.ts';
import { EngineProxy } from '../helpers/engineProxy.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('kubelet when the container runtime goes away', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podlab-engine-'));
  const proxy = new EngineProxy(join(dir, 'docker.sock'));
  let api: InProcessApi;
  let kubelet: Kubelet;
  const node = `rt-${randomBytes(3).toString('hex')}`;

  const ready = async () => {
    const n = await api.client.resource({ group: '', version: 'v1', plural: 'nodes' }).get(undefined, node);
    return (n.status as { conditions: Array<{ type: string; status: string; reason: string; message: string }> }).conditions.find((c) => c.type === 'Ready')!;
  };
  before(async () => {
    await proxy.open();
    api = await startInProcessApi();
    const docker = new Docker({ socketPath: proxy.path });
    kubelet = new Kubelet({
      nodeName: node,
      client: api.client,
      runtime: new DockerRuntime({ cluster: `rt-${node}`, node, docker }),
      capacity: { cpu: '1', memory: '1Gi', pods: '10' },
      nodeAddress: async () => undefined,
      machine: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', operatingSystem: 'linux', architecture: 'amd64' },
      rootDir: dir,
      // Fast health checks so the test takes seconds, not the desktop profile's 10 s.
      timings: { ...desktopTimings, runtimeCheckMs: 300, runtimeDownMs: 1_500, nodeStatusUpdateMs: 300 },
      onError: () => undefined,
    });
    await kubelet.start();
  });

  after(async () => {
    await kubelet?.stop();
    await proxy.cut();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the node is Ready, then NotReady with "container runtime is down", then Ready again', async () => {
    await eventually('Ready', async () => (await ready()).status === 'True');
    await proxy.cut();
    const down = await eventually('NotReady', async () => {
      const c = await ready();
      return c.status === 'False' ? c : false;
    });
    assert.equal(down.reason, 'KubeletNotReady');
    assert.equal(down.message, 'container runtime is down');
    await proxy.open();
    await eventually('Ready again', async () => (await ready()).status === 'True');
    const events = (await api.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default')).items.map((e) => `${e.reason}: ${e.message}`);
    assert.ok(events.includes(`NodeNotReady: Node ${node} status is now: NodeNotReady`));
    assert.ok(events.includes(`NodeReady: Node ${node} status is now: NodeReady`));
  });
});
