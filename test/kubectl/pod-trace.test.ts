// A pod's journey through kubectl (`podlab serve --runtime simulated`):
// `kubectl get --raw /podlab/v1/namespaces/NS/pods/NAME/trace` with the
// admin's kubeconfig answers the seed's seven steps, OTLP/JSON with
// ?format=otlp, a refused pod's refusal; a user without `get pods` is
// refused as for the pod; `kubectl api-resources` does not change.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JourneyStep, PodTrace } from '../../preload/api.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const web = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: httpd, image: busybox:1.36, command: [httpd, -f, -p, '80'], ports: [{containerPort: 80}]}]
`;

describe('a pod trace through kubectl', { timeout: 240_000 }, () => {
  let serve: PodlabServe;
  let kc: string;
  const dataDir = tempDir('pod-trace');
  before(async () => {
    serve = await startPodlab(['--runtime', 'simulated'], dataDir);
    kc = serve.kubeconfig;
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });

  it('answers the journey of a pod with the admin credentials, every step of the seed in order', async () => {
    await kubectlOk(kc, ['apply', '-f', '-'], web);
    await kubectlOk(kc, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=120s']);
    const uid = await kubectlOk(kc, ['get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}']);
    const trace = await eventually('the service step recorded', async () => {
      const t = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/podlab/v1/namespaces/default/pods/web/trace'])) as PodTrace;
      return t.spans.some((s) => s.step === 'service') ? t : undefined;
    });
    assert.equal(trace.uid, uid);
    const steps: JourneyStep[] = ['request', 'admission', 'persist', 'schedule', 'node', 'status', 'service'];
    const firstOf = (step: JourneyStep) => Math.min(...trace.spans.filter((s) => s.step === step).map((s) => s.startMs));
    for (let i = 1; i < steps.length; i++) assert.ok(firstOf(steps[i]!) >= firstOf(steps[i - 1]!), `${steps[i]} before ${steps[i - 1]}`);
    const request = trace.spans[0]!;
    assert.equal(request.name, 'POST /api/v1/namespaces/default/pods');
    assert.match(String(request.attributes.userAgent), /^kubectl\//);
    assert.equal(trace.spans.find((s) => s.name === 'authenticate')?.attributes.method, 'bearer token');
    // serve runs the ServiceAccount admission plugin: the pod got its token volume.
    assert.match(String(trace.spans.find((s) => s.name === 'mutating ServiceAccount')?.attributes.changed), /spec\.volumes/);
  });

  it('answers the same as OpenTelemetry OTLP/JSON', async () => {
    const otlp = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/podlab/v1/namespaces/default/pods/web/trace?format=otlp'])) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[] };
    const services = otlp.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);
    for (const component of ['kube-apiserver', 'kube-scheduler', 'kubelet', 'endpoint-controller', 'endpointslice-controller']) assert.ok(services.includes(component), `no ${component} in ${services.join(', ')}`);
  });

  it('refuses a user who may not get pods, and says 404 for a pod nobody knows', async () => {
    const denied = await kubectl(kc, ['get', '--raw', '/podlab/v1/namespaces/default/pods/web/trace', '--as=jane']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Error from server \(Forbidden\): pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "default"/);
    const missing = await kubectl(kc, ['get', '--raw', '/podlab/v1/namespaces/default/pods/nope/trace']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  });

  it('keeps the refusal of a pod that was never stored', async () => {
    await kubectlOk(kc, ['create', 'ns', 'locked']);
    await kubectlOk(kc, ['label', 'ns', 'locked', 'pod-security.kubernetes.io/enforce=restricted']);
    const refused = await kubectl(kc, ['-n', 'locked', 'run', 'root', '--image=busybox:1.36']);
    assert.equal(refused.code, 1);
    const trace = JSON.parse(await kubectlOk(kc, ['get', '--raw', '/podlab/v1/namespaces/locked/pods/root/trace'])) as PodTrace;
    assert.equal(trace.uid, '');
    assert.equal(trace.spans[0]!.status, 'error');
    assert.match(trace.spans[0]!.message!, /violates PodSecurity "restricted:latest"/);
  });

  it('adds nothing to kubectl api-resources', async () => {
    const resources = await kubectlOk(kc, ['api-resources']);
    assert.doesNotMatch(resources, /podlab|trace/i);
  });
});
