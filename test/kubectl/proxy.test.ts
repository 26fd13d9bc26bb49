// pods/proxy and services/proxy against a Docker cluster, as the docs reach
// a Service through the API (`kubectl get --raw`, `kubectl proxy`): the page
// behind a pod's port or a Service's, paths and queries passed on, a body
// posted through, the client's credentials kept from the pod, the trailing
// slash redirect, and kube-apiserver's refusals (a port nothing listens on,
// a port the Service lacks, a Service without endpoints, a malformed name,
// a user without the proxy right).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { kubectl, kubectlBinary, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `prx-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('api-proxy');

// A page, a page below it, and a CGI script that answers what it was sent: the method, the query, the body's md5, and any Authorization.
const httpdScript = [
  'mkdir -p /www/sub /www/cgi-bin',
  'echo "hello from $(hostname)" > /www/index.html',
  'echo below > /www/sub/index.html',
  `printf '%s\\n' '#!/bin/sh' 'printf "Content-Type: text/plain\\r\\n\\r\\n"' 'echo "$REQUEST_METHOD $QUERY_STRING auth=[$HTTP_AUTHORIZATION]"' 'head -c "\${CONTENT_LENGTH:-0}" | md5sum' > /www/cgi-bin/echo`,
  'chmod +x /www/cgi-bin/echo',
  'exec httpd -f -p 8080 -h /www',
].join(' && ');

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: busybox:1.36
        command: [sh, -c, '${httpdScript.replace(/'/g, "''")}']
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec:
  selector: {app: nothing-matches}
  ports: [{port: 80}]
`;

describe('pods/proxy and services/proxy', { timeout: 300_000 }, () => {
  let serve: PodlabServe;
  let kc: string;
  let api: ApiTarget;
  let pod: string;
  const raw = async (path: string) => kubectl(kc, ['get', '--raw', path]);

  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    api = targetFromKubeconfig(kc);
    await kubectlOk(kc, ['apply', '-f', '-'], manifests);
    await kubectlOk(kc, ['rollout', 'status', 'deployment/web', '--timeout=120s']);
    pod = (await kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('a pod\'s port, or the one it declares, and a Service\'s by number or name: pages and paths below them', async () => {
    assert.equal((await raw(`/api/v1/namespaces/default/pods/${pod}:8080/proxy/`)).stdout, `hello from ${pod}\n`);
    assert.equal((await raw(`/api/v1/namespaces/default/pods/${pod}/proxy/sub/`)).stdout, 'below\n', 'the port the container declares');
    assert.equal((await raw('/api/v1/namespaces/default/services/web:80/proxy/')).stdout, `hello from ${pod}\n`);
    assert.equal((await raw('/api/v1/namespaces/default/services/http:web:http/proxy/sub/index.html')).stdout, 'below\n');
  });

  it('passes the method, the query and the body on, and keeps the client\'s credentials from the pod', async () => {
    const body = 'posted through the API server';
    const answer = await rawRequest(api, 'POST', '/api/v1/namespaces/default/services/web:http/proxy/cgi-bin/echo?x=1&y=two', body, { 'Content-Type': 'text/plain' });
    assert.equal(answer.status, 200, answer.body);
    const md5 = (await import('node:crypto')).createHash('md5').update(body).digest('hex');
    assert.equal(answer.body, `POST x=1&y=two auth=[]\n${md5}  -\n`);
  });

  it('through kubectl proxy, as the docs reach a Service: the bare path is sent to the one with a slash', async () => {
    const proxy: ChildProcess = spawn(kubectlBinary, ['proxy', '--port=0'], { env: { ...process.env, KUBECONFIG: kc }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        proxy.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /127\.0\.0\.1:(\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        proxy.on('exit', () => reject(new Error(`kubectl proxy ended: ${out}`)));
      });
      const get = (path: string) =>
        new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text }));
          })
            .on('error', reject)
            .end();
        });
      const bare = await get('/api/v1/namespaces/default/services/web:80/proxy');
      assert.equal(bare.status, 301);
      assert.equal(bare.location, '/api/v1/namespaces/default/services/web:80/proxy/');
      assert.equal((await get('/api/v1/namespaces/default/services/web:80/proxy/')).body, `hello from ${pod}\n`);
    } finally {
      proxy.kill();
    }
  });

  it('refuses in kube-apiserver\'s words', async () => {
    assert.match((await raw(`/api/v1/namespaces/default/pods/${pod}:81/proxy/`)).stderr, /\(ServiceUnavailable\): error trying to reach service: dial tcp4 [\d.]+:81: connect: connection refused/);
    assert.match((await raw('/api/v1/namespaces/default/services/web:99/proxy/')).stderr, /\(ServiceUnavailable\): no service port 99 found for service "web"/);
    assert.match((await raw('/api/v1/namespaces/default/services/nobody/proxy/')).stderr, /\(ServiceUnavailable\): no endpoints available for service "nobody"/);
    assert.match((await raw('/api/v1/namespaces/default/services/absent/proxy/')).stderr, /\(NotFound\): endpoints "absent" not found/);
    assert.match((await raw('/api/v1/namespaces/default/services/absent:80/proxy/')).stderr, /\(NotFound\): services "absent" not found/);
    const malformed = await rawRequest(api, 'GET', '/api/v1/namespaces/default/pods/ftp:web:80/proxy/');
    assert.equal(malformed.status, 400);
    assert.match(malformed.json().message, /invalid pod request "ftp:web:80"/);
    // A named Service port must be named: without it the unnamed port is looked for, as kube-apiserver does.
    assert.match((await raw('/api/v1/namespaces/default/services/web/proxy/')).stderr, /\(ServiceUnavailable\): no endpoints available for service "web"/);
    const denied = await kubectl(kc, ['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/', '--as=someone']);
    assert.match(denied.stderr, /services "web:80" is forbidden: User "someone" cannot get resource "services\/proxy" in API group "" in the namespace "default"/);
    const discovery = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/api/v1'])) as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    assert.deepEqual(
      discovery.resources.filter((r) => r.name.endsWith('/proxy')).map((r) => [r.name, r.kind, r.verbs.join(',')]),
      [
        ['pods/proxy', 'PodProxyOptions', 'create,delete,get,patch,update'],
        ['nodes/proxy', 'NodeProxyOptions', 'create,delete,get,patch,update'],
        ['services/proxy', 'ServiceProxyOptions', 'create,delete,get,patch,update'],
      ],
    );
  });
});
