// A kubeconfig user's exec plugin whose cached token the API server refuses
// before the expiry the plugin gave (revoked, or a clock ahead): a log
// stream, an exec and a port forward each get the 401, run the plugin again
// and go on with the fresh token, as client-go does for every request. A
// second PodLab cluster (`podlab serve --runtime simulated`) is the server.

import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { HttpKubeClient } from '../../main/kube/client/httpClient.ts';
import { contextTarget, type ContextTarget } from '../../main/kube/kubeconfig/contextEndpoint.ts';
import { loadKubeconfig } from '../../main/kube/kubeconfig/kubeconfigFiles.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { kubePodStreams } from '../../main/ui/kubePodStreams.ts';
import { eventually } from '../helpers/eventually.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

describe('pod streams after a 401 from a cached exec-plugin token', () => {
  const dir = tempDir('stream-credentials');
  const nextToken = join(dir, 'next-token');
  const runs = join(dir, 'plugin-runs');
  let remote: PodlabServe;
  let target: ContextTarget;

  /** The plugin's next run answers a token the server refuses; the runs after it, the real one. */
  function refuseNextToken(): void {
    writeFileSync(nextToken, 'revoked-token');
    target.source.invalidate();
  }
  const pluginRuns = () => readFileSync(runs, 'utf8').length;

  before(async () => {
    remote = await startPodlab(['--runtime', 'simulated', '--name', 'streams'], join(dir, 'remote'));
    const admin = parse(readFileSync(remote.kubeconfig, 'utf8'));
    const token: string = admin.users[0].user.token;
    // A credential valid for an hour: the plugin is not asked again until a 401 says to.
    const plugin = join(dir, 'login');
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf x >> '${runs}'\nt=$(cat '${nextToken}')\nprintf '%s' '${token}' > '${nextToken}'\n` +
        `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2099-01-01T00:00:00Z"}}' "$t"\n`,
    );
    chmodSync(plugin, 0o755);
    writeFileSync(nextToken, token);
    writeFileSync(runs, '');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'remote', cluster: admin.clusters[0].cluster }],
        users: [{ name: 'plugin', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } } }],
        contexts: [{ name: 'remote', context: { cluster: 'remote', user: 'plugin' } }],
      }),
    );
    target = contextTarget(loadKubeconfig([kubeconfig]), 'remote');
    const pods = new HttpKubeClient(target.source).resource({ group: '', version: 'v1', plural: 'pods' });
    await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'busybox:1.36', command: ['httpd', '-f'], ports: [{ containerPort: 80 }] }] } } as KubeObject);
    await eventually('pod web Running', async () => ((await pods.get('default', 'web')) as KubeObject & { status?: { phase?: string } }).status?.phase === 'Running');
  });
  after(async () => {
    await remote?.stop();
    removeDir(dir);
  });

  test('a log stream', async () => {
    refuseNextToken();
    const before = pluginRuns();
    let log = '';
    for await (const chunk of kubePodStreams(target.source).logs('default', 'web', { container: 'web', follow: false, previous: false, timestamps: false, signal: new AbortController().signal })) log += chunk;
    assert.ok(log.length > 0);
    assert.equal(pluginRuns() - before, 2, 'the refused token, then a fresh one');
  });

  test('an exec', async () => {
    refuseNextToken();
    const before = pluginRuns();
    // The simulated runtime runs no processes: its own answer, over the opened WebSocket, proves the upgrade was accepted.
    const session = await kubePodStreams(target.source).exec('default', 'web', 'web', ['true'], false);
    await assert.rejects(session.exit, /exec is not supported/);
    assert.equal(pluginRuns() - before, 2);
  });

  test('a port forward', async () => {
    refuseNextToken();
    const before = pluginRuns();
    const tunnel = await kubePodStreams(target.source).portForward('default', 'web', 80).catch((err: Error) => err);
    assert.doesNotMatch(String(tunnel), /Unauthorized|401/);
    if (!(tunnel instanceof Error)) tunnel.destroy();
    assert.equal(pluginRuns() - before, 2);
  });

  test('a token still refused after the refresh is the 401 itself', async () => {
    writeFileSync(nextToken, 'revoked-token');
    target.source.invalidate();
    // The plugin keeps answering the refused token from now on.
    writeFileSync(join(dir, 'login'), readFileSync(join(dir, 'login'), 'utf8').replace(/^printf '%s' .*$/m, ':'));
    await assert.rejects(kubePodStreams(target.source).exec('default', 'web', 'web', ['true'], false), /Unauthorized/);
  });
});
