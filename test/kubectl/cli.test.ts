// The `podlab` command as users run it: kubeconfig printing and merging (as
// kind does), the etcd store, one process per cluster, and clear flag errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { startEtcd } from '../helpers/etcdServer.ts';
import { removeDir, repoRoot, startPodlab, tempDir } from '../helpers/podlabProcess.ts';

function podlab(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('podlab CLI', () => {
  it('prints the kubeconfig and merges it into the user kubeconfig as kind does', async () => {
    const dataDir = tempDir('cli');
    const userConfig = join(dataDir, 'user-kubeconfig');
    writeFileSync(
      userConfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: "https://example.invalid"}\nusers:\n- name: other\n  user: {token: abc}\ncontexts:\n- name: other\n  context: {cluster: other, user: other}\ncurrent-context: other\n',
    );
    const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'merge', '--update-kubeconfig'], dataDir);
    try {
      assert.match(serve.output(), /Set kubectl context to "podlab-merge"/);
      const printed = podlab(['kubeconfig', '--name', 'merge', '--data-dir', dataDir]);
      assert.equal(printed.status, 0, printed.stderr);
      assert.equal(printed.stdout, readFileSync(serve.kubeconfig, 'utf8'));
      const merged = parse(readFileSync(userConfig, 'utf8'));
      assert.equal(merged['current-context'], 'podlab-merge');
      assert.deepEqual(merged.contexts.map((c: { name: string }) => c.name).sort(), ['other', 'podlab-merge']);
      // kubectl with the merged file reaches PodLab.
      assert.match(await kubectlOk(userConfig, ['get', 'ns', 'default', '-o', 'name']), /namespace\/default/);
      // A second serve of the same cluster is refused while the first runs.
      const second = podlab(['serve', '--name', 'merge', '--data-dir', dataDir, '--runtime', 'simulated']);
      assert.notEqual(second.status, 0);
      assert.match(second.stderr, /cluster "merge" is already running/);
    } finally {
      await serve.stop();
      removeDir(dataDir);
    }
  });

  it('runs on a real etcd with --store etcd://HOST:PORT', async () => {
    const etcd = await startEtcd();
    const dataDir = tempDir('cli-etcd');
    try {
      const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--store', `etcd://${etcd.endpoint}`], dataDir);
      try {
        assert.match(serve.output(), /store: etcd:\/\//);
        await kubectlOk(serve.kubeconfig, ['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-etcd, namespace: default}\ndata: {a: b}\n');
        assert.equal((await kubectlOk(serve.kubeconfig, ['get', 'cm', 'in-etcd', '-o', 'jsonpath={.data.a}'])).trim(), 'b');
      } finally {
        await serve.stop();
      }
    } finally {
      await etcd.stop();
      removeDir(dataDir);
    }
  });

  it('lists and deletes a cluster started with --data-dir by its name alone', async () => {
    const home = tempDir('cli-home');
    const dataDir = tempDir('cli-elsewhere');
    const env = { PODLAB_HOME: home, KUBECONFIG: join(home, 'user-kubeconfig') };
    try {
      const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'elsewhere'], dataDir, home);
      assert.match(podlab(['cluster', 'list'], env).stdout, new RegExp(`^elsewhere\trunning\tsimulated\t${dataDir}$`, 'm'));
      await serve.stop();
      const deleted = podlab(['cluster', 'delete', 'elsewhere'], env);
      assert.equal(deleted.status, 0, deleted.stderr);
      assert.equal(existsSync(dataDir), false);
      assert.doesNotMatch(podlab(['cluster', 'list'], env).stdout, /elsewhere/);
      const again = podlab(['cluster', 'delete', 'elsewhere'], env);
      assert.equal(again.status, 2);
      assert.match(again.stderr, /there is no cluster "elsewhere" .*podlab cluster delete elsewhere --data-dir DIR/);
    } finally {
      removeDir(dataDir);
      removeDir(home);
    }
  });

  it('asks which one to delete when a cluster in the home and one started with --data-dir share a name', async () => {
    const home = tempDir('cli-home');
    const dataDir = tempDir('cli-elsewhere');
    const env = { PODLAB_HOME: home, KUBECONFIG: join(home, 'user-kubeconfig') };
    try {
      // The one in the home first: starting it later would make PodLab forget the other's directory.
      await (await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'twin'], join(home, 'clusters', 'twin'), home)).stop();
      await (await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'twin'], dataDir, home)).stop();
      const listed = podlab(['cluster', 'list'], env).stdout;
      assert.match(listed, new RegExp(`^twin\tstopped\tsimulated\t${join(home, 'clusters', 'twin')}$`, 'm'));
      assert.match(listed, new RegExp(`^twin\tstopped\tsimulated\t${dataDir}$`, 'm'));
      const ambiguous = podlab(['cluster', 'delete', 'twin'], env);
      assert.equal(ambiguous.status, 2);
      assert.equal(ambiguous.stderr.trim(), `podlab: two clusters are called "twin" (${join(home, 'clusters', 'twin')} and ${dataDir}): say which one, for example: podlab cluster delete twin --data-dir ${dataDir}`);
      assert.equal(podlab(['cluster', 'delete', 'twin', '--data-dir', dataDir], env).status, 0);
      assert.equal(existsSync(dataDir), false);
      assert.equal(podlab(['cluster', 'delete', 'twin'], env).status, 0);
      assert.equal(existsSync(join(home, 'clusters', 'twin')), false);
    } finally {
      removeDir(dataDir);
      removeDir(home);
    }
  });

  it('writes the UI URL to an owner-only file, and prints it without its token under --hide-ui-token', async () => {
    const dataDir = tempDir('cli-ui-url');
    const serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'quiet', '--hide-ui-token'], dataDir);
    try {
      const line = await eventually('the UI: line', async () => /^UI: (.+)$/m.exec(serve.output())?.[1]);
      const file = join(dataDir, 'ui-url');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const url = readFileSync(file, 'utf8').trim();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/#token=\S+$/);
      assert.equal(line, `${url.replace(/#.*$/, '')} (open the URL with its token, from ${file})`);
      assert.doesNotMatch(serve.output(), /token=/);
    } finally {
      await serve.stop();
      removeDir(dataDir);
    }
  });

  it('explains bad flags and commands', () => {
    const badRuntime = podlab(['serve', '--runtime', 'podman']);
    assert.equal(badRuntime.status, 2);
    assert.match(badRuntime.stderr, /--runtime must be docker or simulated \(got "podman"\)/);
    const badPort = podlab(['serve', '--api-port', 'abc']);
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--api-port must be an integer/);
    const badName = podlab(['kubeconfig', '--name', 'Bad_Name']);
    assert.equal(badName.status, 2);
    assert.match(badName.stderr, /invalid cluster name "Bad_Name"/);
    const unknown = podlab(['frobnicate']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const missing = podlab(['kubeconfig', '--name', 'never-started', '--data-dir', join(tempDir('none'), 'x')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /has no kubeconfig yet/);
    const store = podlab(['serve', '--store', 'mysql://x', '--data-dir', join(tempDir('none'), 'y'), '--runtime', 'simulated']);
    assert.notEqual(store.status, 0);
    assert.match(store.stderr, /store/i);
  });
});
