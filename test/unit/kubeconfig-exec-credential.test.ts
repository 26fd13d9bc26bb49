// Exec credential plugins as client-go runs them: a small script that prints
// an ExecCredential (and counts its runs in a file), its token kept until the
// expirationTimestamp on a fake clock, run again after invalidate (a 401),
// KUBERNETES_EXEC_INFO saying there is no terminal, and interactiveMode
// Always refused with a sentence.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExecCredentialPlugin, parseExecCredential } from '../../main/kube/kubeconfig/execCredential.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const v1 = 'client.authentication.k8s.io/v1';

describe('exec credential plugins', () => {
  const dir = tempDir('exec-credential');
  after(() => removeDir(dir));
  const counter = join(dir, 'runs');
  const infoFile = join(dir, 'info.json');
  const script = join(dir, 'plugin.mjs');
  // Prints a token numbered by its run, expiring at $EXPIRES (if set), and keeps what it was told.
  writeFileSync(
    script,
    `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const runs = (existsSync(${JSON.stringify(counter)}) ? Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;
writeFileSync(${JSON.stringify(counter)}, String(runs));
writeFileSync(${JSON.stringify(infoFile)}, JSON.stringify({ info: JSON.parse(process.env.KUBERNETES_EXEC_INFO), arg: process.argv[2], extra: process.env.EXTRA }));
const status = { token: 'token-' + runs + '-' + process.argv[2] };
if (process.env.EXPIRES) status.expirationTimestamp = process.env.EXPIRES;
process.stdout.write(JSON.stringify({ apiVersion: '${v1}', kind: 'ExecCredential', status }));
`,
  );
  const runs = () => Number(readFileSync(counter, 'utf8'));

  it('runs the command with its args and env, tells it there is no terminal, and caches the token until it expires', async () => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    const plugin = new ExecCredentialPlugin(
      { apiVersion: v1, command: process.execPath, args: [script, 'a'], env: [{ name: 'EXTRA', value: 'x' }, { name: 'EXPIRES', value: '2025-01-01T00:10:00Z' }], interactiveMode: 'IfAvailable', provideClusterInfo: true },
      { user: 'ops', cluster: { server: 'https://127.0.0.1:6443' }, clock },
    );
    const [first, concurrent] = await Promise.all([plugin.credential(), plugin.credential()]);
    assert.equal(first.token, 'token-1-a');
    assert.equal(concurrent.token, 'token-1-a', 'concurrent callers share one run');
    assert.equal(first.expiresAt, Date.parse('2025-01-01T00:10:00Z'));
    const told = JSON.parse(readFileSync(infoFile, 'utf8'));
    assert.equal(told.arg, 'a');
    assert.equal(told.extra, 'x');
    assert.deepEqual(told.info, { apiVersion: v1, kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://127.0.0.1:6443' } } });

    clock.advance(9 * 60_000);
    assert.equal((await plugin.credential()).token, 'token-1-a', 'still valid: no new run');
    assert.equal(runs(), 1);
    clock.advance(60_000);
    assert.equal((await plugin.credential()).token, 'token-2-a', 'expired: the plugin runs again');
    plugin.invalidate();
    assert.equal((await plugin.credential()).token, 'token-3-a', 'refused by the server: runs again');
  });

  it('keeps a credential without expiry until the server refuses it', async () => {
    const clock = new FakeClock();
    const plugin = new ExecCredentialPlugin({ apiVersion: v1, command: process.execPath, args: [script, 'b'], interactiveMode: 'Never' }, { user: 'ops', clock });
    const before = runs();
    await plugin.credential();
    clock.advance(365 * 24 * 3600_000);
    await plugin.credential();
    assert.equal(runs(), before + 1);
  });

  it('refuses interactiveMode Always without running the plugin, saying why', async () => {
    const before = runs();
    const plugin = new ExecCredentialPlugin({ apiVersion: v1, command: process.execPath, args: [script, 'c'], interactiveMode: 'Always' }, { user: 'sso' });
    await assert.rejects(plugin.credential(), /user "sso" needs a terminal \(interactiveMode: Always\), and the PodLab UI has none/);
    assert.equal(runs(), before);
  });

  it('says which plugin failed, with its installHint when the command is missing', async () => {
    const missing = new ExecCredentialPlugin({ apiVersion: v1, command: join(dir, 'no-such-plugin'), interactiveMode: 'Never', installHint: 'Install it with: brew install it' }, { user: 'u' });
    await assert.rejects(missing.credential(), /no-such-plugin" of kubeconfig user "u" could not be found\nInstall it with: brew install it/);
    const failing = new ExecCredentialPlugin({ apiVersion: v1, command: process.execPath, args: ['-e', 'process.stderr.write("login expired"); process.exit(3)'], interactiveMode: 'Never' }, { user: 'u' });
    await assert.rejects(failing.credential(), /failed .*: login expired/);
    const wrongVersion = new ExecCredentialPlugin({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: process.execPath }, { user: 'u' });
    await assert.rejects(wrongVersion.credential(), /v1alpha1.*PodLab runs/);
  });

  it('reads client certificates, and refuses output client-go would refuse', () => {
    const out = (status: object, apiVersion = v1) => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });
    assert.deepEqual(parseExecCredential(out({ clientCertificateData: 'C', clientKeyData: 'K' }), v1, 'p'), { clientCert: 'C', clientKey: 'K' });
    assert.throws(() => parseExecCredential(out({ clientCertificateData: 'C' }), v1, 'p'), /only one of/);
    assert.throws(() => parseExecCredential(out({}), v1, 'p'), /neither a token nor/);
    assert.throws(() => parseExecCredential(out({ token: 't' }, 'client.authentication.k8s.io/v1beta1'), v1, 'p'), /asks for "client.authentication.k8s.io\/v1"/);
    assert.throws(() => parseExecCredential('Please log in', v1, 'p'), /no ExecCredential JSON: Please log in/);
  });
});
