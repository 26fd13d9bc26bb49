// A client that keeps its connection alive and sends one large write after
// another, as client-go and kubectl do, is answered every time. Node's HTTP
// parser, reading a TLS socket itself, failed with HPE_PAUSED when the next
// body arrived before the last answer had drained, and the connection was
// reset (seen first in the disk-full test). It shows against a server in its
// own process, as here, and not against one in the test's.

import assert from 'node:assert/strict';
import { Agent, request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('a kept-alive connection', () => {
  let serve: PodlabServe;
  let api: ApiTarget;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'keep-alive']);
    api = targetFromKubeconfig(serve.kubeconfig);
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('carries 60 creates of 100 KB in a row, each answered 201, none reset', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: api.ca });
    const create = (name: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { blob: 'x'.repeat(100_000) } });
        const req = request(`${api.server}/api/v1/namespaces/default/configmaps`, { method: 'POST', agent, headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      for (let i = 0; i < 60; i++) assert.equal(await create(`kept-alive-${i}`), 201, `create ${i}`);
    } finally {
      agent.destroy();
    }
  });
});
