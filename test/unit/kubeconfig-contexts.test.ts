// The user's kubeconfig read as kubectl reads it: the KUBECONFIG list merged
// (first file wins per name, current-context from the first file that sets
// one), relative file references resolved against their own file's
// directory, and a context turned into the TLS settings and credentials of
// its requests.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { contextTarget, KubeconfigError } from '../../main/kube/kubeconfig/contextEndpoint.ts';
import { kubeconfigPaths, loadKubeconfig } from '../../main/kube/kubeconfig/kubeconfigFiles.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('kubeconfig files', () => {
  const dir = tempDir('kubeconfig');
  after(() => removeDir(dir));
  const write = (name: string, doc: object) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, stringify(doc));
    return path;
  };

  it('reads $KUBECONFIG in order (empty entries and repeats dropped), or ~/.kube/config alone', () => {
    assert.deepEqual(kubeconfigPaths({ KUBECONFIG: ['/a', '', '/b', '/a'].join(delimiter) }, '/home/u'), ['/a', '/b']);
    assert.deepEqual(kubeconfigPaths({}, '/home/u'), ['/home/u/.kube/config']);
    assert.deepEqual(kubeconfigPaths({ KUBECONFIG: '' }, '/home/u'), ['/home/u/.kube/config']);
  });

  it('merges files as kubectl does: first file wins per name; current-context from the first file that sets it', () => {
    const first = write('one/config', {
      clusters: [{ name: 'shared', cluster: { server: 'https://first:6443', 'certificate-authority': 'ca.crt' } }],
      users: [{ name: 'me', user: { 'client-certificate': 'certs/me.crt', 'client-key': '/abs/me.key', tokenFile: 'tok' } }],
      contexts: [{ name: 'dev', context: { cluster: 'shared', user: 'me', namespace: 'team' } }],
    });
    const second = write('two/config', {
      'current-context': 'prod',
      clusters: [
        { name: 'shared', cluster: { server: 'https://second:6443' } },
        { name: 'prod', cluster: { server: 'https://prod:6443', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'me', user: { token: 'from-second' } }, { name: 'ops', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/login', interactiveMode: 'Never' } } }],
      contexts: [
        { name: 'dev', context: { cluster: 'prod', user: 'ops' } },
        { name: 'prod', context: { cluster: 'prod', user: 'ops' } },
      ],
    });
    const third = write('three/config', { 'current-context': 'dev' });
    const merged = loadKubeconfig([first, join(dir, 'missing'), second, third]);
    assert.deepEqual(merged.files, [first, second, third]);
    assert.equal(merged.currentContext, 'prod', 'the first file that sets current-context wins');
    assert.equal(merged.clusters.get('shared')!.server, 'https://first:6443');
    assert.equal(merged.clusters.get('shared')!['certificate-authority'], join(dir, 'one', 'ca.crt'));
    assert.deepEqual(merged.contexts.get('dev'), { cluster: 'shared', user: 'me', namespace: 'team', file: first });
    const me = merged.users.get('me')!;
    assert.equal(me.token, undefined, 'the second file\'s "me" does not replace or mix into the first');
    assert.equal(me['client-certificate'], join(dir, 'one', 'certs', 'me.crt'));
    assert.equal(me['client-key'], '/abs/me.key');
    assert.equal(me.tokenFile, join(dir, 'one', 'tok'));
    assert.equal(merged.users.get('ops')!.exec!.command, join(dir, 'two', 'bin', 'login'), 'a command with a slash is relative to its file');
    assert.deepEqual([...merged.contexts.keys()], ['dev', 'prod']);
  });

  it('keeps a bare exec command for PATH lookup and reports a file it cannot parse', () => {
    const good = write('bare/config', { users: [{ name: 'u', user: { exec: { command: 'kubelogin' } } }] });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters: [unclosed');
    const merged = loadKubeconfig([bad, good]);
    assert.equal(merged.users.get('u')!.exec!.command, 'kubelogin');
    assert.equal(merged.problems.length, 1);
    assert.match(merged.problems[0]!, /bad\.yaml/);
  });

  it('turns a context into its server, namespace and credentials, reading data or files', async () => {
    writeFileSync(join(dir, 'certs-ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'token.txt'), 'file-token\n');
    const path = write('target.yaml', {
      clusters: [
        { name: 'c', cluster: { server: 'https://127.0.0.1:6443/', 'certificate-authority': 'certs-ca.pem', 'tls-server-name': 'kubernetes' } },
        { name: 'insecure', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true, 'certificate-authority-data': b64('ignored') } },
        { name: 'proxied', cluster: { server: 'https://10.0.0.1', 'proxy-url': 'socks5://u:p@proxy:1080' } },
        { name: 'ftp-proxied', cluster: { server: 'https://10.0.0.1', 'proxy-url': 'ftp://proxy:21' } },
        { name: 'remote', cluster: { server: 'https://10.0.0.2:6443' } },
      ],
      users: [
        { name: 'cert', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } },
        { name: 'file-token', user: { tokenFile: 'token.txt' } },
        { name: 'old', user: { username: 'a', password: 'b' } },
      ],
      contexts: [
        { name: 'cert', context: { cluster: 'c', user: 'cert', namespace: 'team' } },
        { name: 'token', context: { cluster: 'insecure', user: 'file-token' } },
        { name: 'proxied', context: { cluster: 'proxied', user: 'cert' } },
        { name: 'ftp-proxied', context: { cluster: 'ftp-proxied', user: 'cert' } },
        { name: 'remote', context: { cluster: 'remote', user: 'cert' } },
        { name: 'basic', context: { cluster: 'c', user: 'old' } },
        { name: 'nowhere', context: { cluster: 'gone', user: 'cert' } },
      ],
    });
    const merged = loadKubeconfig([path]);
    const cert = contextTarget(merged, 'cert');
    assert.equal(cert.server, 'https://127.0.0.1:6443');
    assert.equal(cert.namespace, 'team');
    assert.deepEqual(await cert.source.current(), { url: 'https://127.0.0.1:6443', caCert: 'CA PEM', tlsServerName: 'kubernetes', clientCert: 'CERT', clientKey: 'KEY' });
    const token = contextTarget(merged, 'token');
    assert.equal(token.namespace, 'default');
    assert.deepEqual(await token.source.current(), { url: 'https://127.0.0.1:6443', insecureSkipTlsVerify: true, token: 'file-token' });
    assert.equal((await contextTarget(merged, 'proxied').source.current()).proxyUrl, 'socks5://u:p@proxy:1080');
    // kubectl's own check: http, https or socks5.
    assert.throws(() => contextTarget(merged, 'ftp-proxied'), (err: Error) => err instanceof KubeconfigError && /invalid 'proxy-url' "ftp:\/\/proxy:21" for cluster "ftp-proxied": unsupported scheme "ftp", must be http, https, or socks5/.test(err.message));
    // Without a proxy-url, the environment's proxy, as kubectl (Go's ProxyFromEnvironment).
    const proxyOf = async (context: string, env: Record<string, string>) => {
      const { proxyUrl, proxySetting } = await contextTarget(merged, context, { env }).source.current();
      return { proxyUrl, proxySetting };
    };
    assert.deepEqual(await proxyOf('remote', {}), { proxyUrl: undefined, proxySetting: undefined });
    assert.deepEqual(await proxyOf('remote', { HTTPS_PROXY: 'proxy.corp:3128' }), { proxyUrl: 'http://proxy.corp:3128', proxySetting: 'HTTPS_PROXY' });
    assert.deepEqual(await proxyOf('remote', { HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: '10.0.0.0/8' }), { proxyUrl: undefined, proxySetting: undefined });
    assert.deepEqual(await proxyOf('cert', { HTTPS_PROXY: 'proxy.corp:3128' }), { proxyUrl: undefined, proxySetting: undefined }, 'a loopback server goes direct');
    assert.deepEqual(await proxyOf('proxied', { HTTPS_PROXY: 'proxy.corp:3128' }), { proxyUrl: 'socks5://u:p@proxy:1080', proxySetting: undefined }, 'proxy-url comes first');
    assert.throws(() => contextTarget(merged, 'remote', { env: { https_proxy: 'ftp://proxy:21' } }), (err: Error) => err instanceof KubeconfigError && /invalid proxy "ftp:\/\/proxy:21" in https_proxy, for cluster "remote": unsupported scheme "ftp"/.test(err.message));
    assert.throws(() => contextTarget(merged, 'basic'), /basic authentication/);
    assert.throws(() => contextTarget(merged, 'nowhere'), /names cluster "gone"/);
    assert.throws(() => contextTarget(merged, 'absent'), /has no context "absent"/);
  });
});
