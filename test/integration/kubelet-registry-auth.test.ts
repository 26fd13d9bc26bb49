// Registry logins reach the registry: a tiny registry on 127.0.0.1 that
// answers every request with a Basic-auth challenge records what the Docker
// engine sends when the kubelet pulls. PodLab's own logins (Settings →
// Registry credentials) are used when a pod names no pull secret; a pod's
// imagePullSecret wins over them, as in Kubernetes.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Cluster } from '../../main/cluster/cluster.ts';
import { RegistryCredentials } from '../../main/cluster/registryCredentials.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';

const name = `ra-${randomBytes(3).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'podlab-regauth-'));
const dataDir = join(root, name);
const credentials = new RegistryCredentials(join(root, 'registry-auth.json'));
/** The Basic credentials each image path was requested with, decoded. */
const seen = new Map<string, Set<string>>();
let registry: Server;
let registryHost: string;
let cluster: Cluster;

before(async () => {
  registry = createServer((req, res) => {
    const auth = req.headers.authorization;
    const repo = /^\/v2\/(.+?)\/manifests\//.exec(req.url ?? '')?.[1];
    if (auth?.startsWith('Basic ') && repo) {
      const users = seen.get(repo) ?? new Set();
      users.add(Buffer.from(auth.slice(6), 'base64').toString('utf8'));
      seen.set(repo, users);
    }
    // Never a manifest: the pull fails after the engine has shown its credentials.
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="podlab-test"', 'Docker-Distribution-API-Version': 'registry/2.0' }).end();
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryHost = `127.0.0.1:${(registry.address() as { port: number }).port}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
  cluster = await Cluster.start({ name, dataDir, nodes: 1, runtime: 'docker', registryCredentials: credentials });
});

after(async () => {
  await cluster?.stop();
  await removeClusterObjects(name);
  registry?.close();
  rmSync(root, { recursive: true, force: true });
});

const client = () => cluster.client('test');

function pod(podName: string, image: string, pullSecret?: string) {
  return client()
    .resource({ group: '', version: 'v1', plural: 'pods' })
    .create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName },
      spec: { containers: [{ name: 'app', image, imagePullPolicy: 'Always' }], ...(pullSecret ? { imagePullSecrets: [{ name: pullSecret }] } : {}) },
    });
}

test("a pod without pull secrets is pulled with PodLab's login for its registry, kept owner-only", async () => {
  credentials.set(registryHost, 'ada', 'node-secret');
  assert.equal(statSync(credentials.path).mode & 0o777, 0o600);
  await pod('node-login', `${registryHost}/team/node-login:1`);
  const users = await eventually('the engine to present the login', async () => seen.get('team/node-login'));
  assert.deepEqual([...users], ['ada:node-secret']);
});

test("a pod's imagePullSecret wins over PodLab's login", async () => {
  const dockerconfig = JSON.stringify({ auths: { [registryHost]: { auth: Buffer.from('bob:pod-secret').toString('base64') } } });
  await client()
    .resource({ group: '', version: 'v1', plural: 'secrets' })
    .create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(dockerconfig).toString('base64') } });
  await pod('pod-secret', `${registryHost}/team/pod-secret:1`, 'pull');
  const users = await eventually('the engine to present the pull secret', async () => seen.get('team/pod-secret'));
  assert.deepEqual([...users], ['bob:pod-secret']);
});
