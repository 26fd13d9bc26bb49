// The control plane as a kubectl user checks it: the real kubectl binary
// against a real `podlab serve`, every step of the "How a user checks it".

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlBinary, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, type PodlabServe } from '../helpers/podlabProcess.ts';

const manifest = (replicas: number, color: string) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: demo
data:
  color: ${color}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: { app: web }
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: httpd
        image: busybox:latest
        command: ["httpd", "-f", "-p", "8080"]
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: COLOR
          value: ${color}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector: { app: web }
  ports:
  - port: 80
    targetPort: http
`;

describe('kubectl against podlab serve', () => {
  let serve: PodlabServe;
  let kc: string;

  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated', '--nodes', '0', '--name', 'kubectl-test']);
    kc = serve.kubeconfig;
  });

  after(async () => {
    await serve?.stop();
    if (serve) removeDir(serve.dataDir);
  });

  it('kubectl version reports the server', async () => {
    const out = await kubectlOk(kc, ['version', '-o', 'json']);
    const version = JSON.parse(out) as { serverVersion?: { major: string; minor: string; gitVersion: string } };
    assert.equal(version.serverVersion?.major, '1');
    assert.match(version.serverVersion?.gitVersion ?? '', /^v1\.\d+\.\d+/);
  });

  it('shows an Event created through events.k8s.io/v1 in kubectl get events (one Event store)', async () => {
    await kubectlOk(kc, ['create', '-f', '-'], `apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: through-events-v1, namespace: default}
eventTime: "2026-01-01T00:00:00.000000Z"
reportingController: example.com/checker
reportingInstance: checker-1
action: Checked
reason: CheckedByTest
note: seen by kubectl get events
type: Normal
regarding: {kind: Pod, name: somewhere, namespace: default}
`);
    const events = await kubectlOk(kc, ['get', 'events', '-n', 'default']);
    assert.match(events, /CheckedByTest\s+pod\/somewhere\s+seen by kubectl get events/);
    const core = JSON.parse(await kubectlOk(kc, ['get', 'events.v1.', 'through-events-v1', '-n', 'default', '-o', 'json']));
    assert.equal(core.apiVersion, 'v1');
    assert.equal(core.message, 'seen by kubectl get events');
  });

  it('kubectl api-resources lists the served kinds with short names', async () => {
    const out = await kubectlOk(kc, ['api-resources']);
    for (const line of [/^pods\s+po\s+v1\s+true\s+Pod$/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^nodes\s+no\s+v1\s+false\s+Node$/m, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m]) {
      assert.match(out, line);
    }
  });

  it('kubectl get apiservices shows a local, available APIService per served group-version, as on kind', async () => {
    const out = await kubectlOk(kc, ['get', 'apiservices']);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE$/);
    const names = lines.slice(1).map((line) => line.split(/\s+/)[0]);
    for (const name of ['v1.', 'v1.apps', 'v1.rbac.authorization.k8s.io', 'v1.apiextensions.k8s.io', 'v1.coordination.k8s.io']) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('v1.apiregistration.k8s.io'));
    for (const line of lines.slice(1)) assert.match(line, /^v\d\w*\.\S*\s+Local\s+True\s+\d+[sm]\S*$/);
    const apps = JSON.parse(await kubectlOk(kc, ['get', 'apiservice', 'v1.apps', '-o', 'json']));
    assert.deepEqual(apps.spec, { service: null, group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
    assert.equal(apps.status.conditions[0].message, 'Local APIServices are always available');
  });

  it('creates a namespace, applies a manifest (created, unchanged, configured) and lists it', async () => {
    assert.match(await kubectlOk(kc, ['create', 'namespace', 'demo']), /namespace\/demo created/);
    const first = await kubectlOk(kc, ['apply', '-f', '-'], manifest(2, 'blue'));
    assert.match(first, /configmap\/web-config created/);
    assert.match(first, /deployment.apps\/web created/);
    assert.match(first, /service\/web created/);
    const again = await kubectlOk(kc, ['apply', '-f', '-'], manifest(2, 'blue'));
    assert.match(again, /configmap\/web-config unchanged/);
    assert.match(again, /deployment.apps\/web unchanged/);
    assert.match(again, /service\/web unchanged/);
    const edited = await kubectlOk(kc, ['apply', '-f', '-'], manifest(3, 'green'));
    assert.match(edited, /configmap\/web-config configured/);
    assert.match(edited, /deployment.apps\/web configured/);
    assert.match(edited, /service\/web unchanged/);
    const deploy = JSON.parse(await kubectlOk(kc, ['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    assert.equal(deploy.spec.replicas, 3);
    assert.equal(deploy.spec.template.spec.containers[0].env[0].value, 'green');
    assert.equal(deploy.metadata.generation, 2);
    assert.equal(deploy.spec.strategy.type, 'RollingUpdate', 'defaults applied');
  });

  it('prints server-side tables: get all -A, -o wide', async () => {
    const all = await kubectlOk(kc, ['get', 'all', '-A']);
    assert.match(all, /demo\s+service\/web\s+ClusterIP/);
    assert.match(all, /demo\s+deployment.apps\/web\s+0\/3/);
    const wide = await kubectlOk(kc, ['get', 'deploy', '-n', 'demo', '-o', 'wide']);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(wide, /^web\s+0\/3\s+\d+\s+\d+\s+\S+\s+httpd\s+busybox:latest\s+app=web$/m);
  });

  it('streams changes to kubectl get -w while another client edits', async () => {
    const child = spawn(kubectlBinary, ['get', 'cm', '-n', 'demo', '-w', '--output-watch-events'], { env: { ...process.env, KUBECONFIG: kc } });
    let seen = '';
    const sawEdit = new Promise<void>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        seen += c.toString();
        if (/MODIFIED\s+watched/.test(seen)) resolve();
      }),
    );
    try {
      await waitFor(() => /ADDED\s+web-config/.test(seen), 'the initial ADDED line');
      await kubectlOk(kc, ['create', 'configmap', 'watched', '-n', 'demo', '--from-literal=a=1']);
      await kubectlOk(kc, ['label', 'configmap', 'watched', '-n', 'demo', 'touched=yes']);
      await withTimeout(sawEdit, 10_000, () => `kubectl get -w never showed the edit; it printed:\n${seen}`);
    } finally {
      child.kill();
    }
  });

  it('describe, label, annotate, explain and get --raw work', async () => {
    const described = await kubectlOk(kc, ['describe', 'deployment', 'web', '-n', 'demo']);
    assert.match(described, /^Name:\s+web$/m);
    assert.match(described, /^Replicas:\s+3 desired/m);
    assert.match(await kubectlOk(kc, ['label', 'cm', 'web-config', '-n', 'demo', 'tier=front']), /labeled/);
    assert.match(await kubectlOk(kc, ['annotate', 'cm', 'web-config', '-n', 'demo', 'note=hello']), /annotated/);
    const cm = JSON.parse(await kubectlOk(kc, ['get', 'cm', 'web-config', '-n', 'demo', '-o', 'json']));
    assert.equal(cm.metadata.labels.tier, 'front');
    assert.equal(cm.metadata.annotations.note, 'hello');
    assert.equal((await kubectlOk(kc, ['get', 'cm', '-n', 'demo', '-l', 'tier=front', '-o', 'name'])).trim(), 'configmap/web-config');
    const explained = await kubectlOk(kc, ['explain', 'pod.spec']);
    assert.match(explained, /KIND:\s+Pod/);
    assert.match(explained, /containers\s+<\[\]Container> -required-/);
    const raw = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/api/v1/namespaces']));
    assert.equal(raw.kind, 'NamespaceList');
    assert.ok(raw.items.some((n: { metadata: { name: string } }) => n.metadata.name === 'demo'));
  });

  it('kubectl edit saves a change through the editor', async () => {
    // A non-interactive "editor" that rewrites the value, as a user would in vi.
    const editor = `sed -i 's/color: green/color: purple/'`;
    const result = await kubectl(kc, ['edit', 'cm', 'web-config', '-n', 'demo'], undefined, { KUBE_EDITOR: editor, EDITOR: editor });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /configmap\/web-config edited/);
    assert.equal((await kubectlOk(kc, ['get', 'cm', 'web-config', '-n', 'demo', '-o', 'jsonpath={.data.color}'])).trim(), 'purple');
  });

  it('a replace with a stale resourceVersion fails with "the object has been modified"', async () => {
    const stale = JSON.parse(await kubectlOk(kc, ['get', 'cm', 'web-config', '-n', 'demo', '-o', 'json']));
    await kubectlOk(kc, ['label', 'cm', 'web-config', '-n', 'demo', 'bump=1']);
    stale.data.color = 'red';
    const result = await kubectl(kc, ['replace', '-f', '-'], JSON.stringify(stale));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Operation cannot be fulfilled on configmaps "web-config": the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('an invalid manifest fails with the field named, and nothing is written', async () => {
    const bad = `apiVersion: v1
kind: Pod
metadata:
  name: Bad_Name
  namespace: demo
spec:
  containers:
  - name: app
`;
    const result = await kubectl(kc, ['apply', '-f', '-'], bad);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /metadata\.name: Invalid value: "Bad_Name"/);
    assert.match(result.stderr, /spec\.containers\[0\]\.image: Required value/);
    const unknownField = await kubectl(kc, ['apply', '-f', '-'], bad.replace('Bad_Name', 'good').replace('- name: app', '- name: app\n    image: busybox\n    imagee: typo'));
    assert.notEqual(unknownField.code, 0);
    assert.match(unknownField.stderr, /unknown field "spec.containers\[0\].imagee"/);
    // Neither object was written (the Deployment's own pods are there, these two are not).
    const pods = (await kubectlOk(kc, ['get', 'pods', '-n', 'demo', '-o', 'name'])).split('\n');
    assert.ok(!pods.includes('pod/good') && !pods.some((p) => /bad_name/i.test(p)), pods.join(', '));
  });

  it('kubectl delete removes objects', async () => {
    assert.match(await kubectlOk(kc, ['delete', 'service', 'web', '-n', 'demo']), /service "web" deleted/);
    const result = await kubectl(kc, ['get', 'service', 'web', '-n', 'demo']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /services "web" not found/);
  });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
