// Bodies decoded into the kinds' Go types: the real kubectl sends objects
// with wrong types and out-of-range numbers and gets kube-apiserver's 400
// answers, nothing is stored, and a body nested deeper than Go's JSON decoder
// takes is refused with 400 instead of overflowing a stack.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, targetFromKubeconfig } from '../helpers/apiClient.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

const deployment = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
`;

describe('typed decoding with kubectl', () => {
  let serve: PodlabServe;
  let kc: string;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '1', '--name', 'typed-decode']);
    kc = serve.kubeconfig;
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('refuses a Deployment whose replicas is a string, in Go decoder words', async () => {
    const result = await kubectl(kc, ['create', '-f', '-'], deployment('"three"'));
    assert.notEqual(result.code, 0);
    assert.match(
      result.stderr,
      /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/,
    );
    assert.equal((await kubectl(kc, ['get', 'deployment', 'web'])).code, 1, 'nothing was stored');
  });

  it('refuses replicas beyond int64', async () => {
    const result = await kubectl(kc, ['create', '-f', '-'], deployment('9223372036854775808'));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /cannot be handled as a Deployment: json: cannot unmarshal number 9223372036854776000 into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
  });

  it('refuses a Pod with numbers for args; nothing is stored and the node still describes', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: numbers\nspec:\n  containers:\n  - name: c\n    image: busybox\n    args: [1, 2]\n';
    const result = await kubectl(kc, ['create', '-f', '-'], pod);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container\.spec\.containers\.args of type string/);
    assert.doesNotMatch(await kubectlOk(kc, ['get', 'pods', '-o', 'name']), /numbers/);
    const nodes = (await kubectlOk(kc, ['get', 'nodes', '-o', 'name'])).trim().split('\n');
    assert.match(await kubectlOk(kc, ['describe', nodes[0]]), /Non-terminated Pods:/);
  });

  it('checks the object a patch produces', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], deployment('1'));
    const smp = await kubectl(kc, ['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":"three"}}']);
    assert.notEqual(smp.code, 0);
    assert.match(smp.stderr, /patch: Invalid value: "map\[spec:map\[replicas:three\]\]": unrecognized type: int32/);
    const merge = await kubectl(kc, ['patch', 'deployment', 'web', '--type', 'merge', '-p', '{"spec":{"paused":"yes"}}']);
    assert.notEqual(merge.code, 0);
    assert.match(merge.stderr, /json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.paused of type bool/);
    assert.equal(JSON.parse(await kubectlOk(kc, ['get', 'deployment', 'web', '-o', 'json'])).spec.replicas, 1);
  });

  it('answers a body nested 10,001 levels deep with 400, and the server goes on', async () => {
    const api = targetFromKubeconfig(kc);
    const depth = 10000;
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}}`;
    const res = await rawRequest(api, 'POST', '/api/v1/namespaces/default/configmaps', body);
    assert.equal(res.status, 400);
    const status = res.json();
    assert.equal(status.reason, 'BadRequest');
    assert.equal(
      status.message,
      'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: invalid character \'{\' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)',
    );
    const patch = await rawRequest(api, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', `{"metadata":{"annotations":${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}}}`, {
      'Content-Type': 'application/strategic-merge-patch+json',
    });
    assert.equal(patch.status, 400);
    assert.equal(patch.json().message, "invalid character '{' exceeded max depth");
    assert.match(await kubectlOk(kc, ['get', 'deployment', 'web']), /web/);
  });
});
