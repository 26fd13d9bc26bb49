// The admission-webhooks sample as a user checks it, with the real kubectl on
// `podlab serve --runtime docker --nodes 1` and the webhook server running as
// a pod: pods in the labelled namespace get the sidecar (2/2, and the pod's
// journey shows the webhook call with its patch); a :latest pod is refused
// with the webhook's message; with the webhook scaled to 0, failurePolicy
// Fail refuses creates in kube-apiserver's words and Ignore admits them.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PodTrace } from '../../preload/api.ts';
import { removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `hooks-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('webhooks');
let serve: PodlabServe;
let kc: string;
const sample = new URL('../../resources/samples/admission-webhooks.yaml', import.meta.url);

describe('admission webhooks with kubectl on Docker', { timeout: 300_000 }, () => {
  before(async () => {
    await reserveSubnet(dataDir);
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir);
    kc = serve.kubeconfig;
    await kubectlOk(kc, ['apply', '-f', sample.pathname]);
    await kubectlOk(kc, ['-n', 'webhook-demo', 'rollout', 'status', 'deployment/admission-demo', '--timeout=120s']);
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  it('injects the log-shipping sidecar into pods of the labelled namespace, and the journey shows the call and its patch', async () => {
    // The ReplicaSet retries its refused creates (the webhook was not up yet) with a back-off.
    const ready = await eventually('the app pod 2/2 Running', async () => {
      const out = await kubectlOk(kc, ['-n', 'sidecar-demo', 'get', 'pods', '-l', 'app=app', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.containers[*].name} {.status.containerStatuses[*].ready}{"\\n"}{end}']);
      return out.split('\n').find((line) => /app log-shipper true true$/.test(line));
    }, 120_000, 1000);
    const pod = ready.split(' ')[0]!;
    const shipped = await eventually('the sidecar ships the app log', async () => (await kubectlOk(kc, ['-n', 'sidecar-demo', 'logs', pod, '-c', 'log-shipper'])).includes('order processed'), 30_000, 1000);
    assert.ok(shipped);
    const body = await kubectlOk(kc, ['get', '--raw', `/podlab/v1/namespaces/sidecar-demo/pods/${pod}/trace`]);
    const webhook = (JSON.parse(body) as PodTrace).spans.find((s) => s.name === 'mutating webhook sidecar-injector.podlab.dev');
    assert.ok(webhook, body);
    assert.equal(webhook.detail?.kind, 'patch');
    assert.match(webhook.detail?.kind === 'patch' ? webhook.detail.after : '', /name: log-shipper/);
  });

  it('refuses a :latest image with the validating webhook\'s message, and admits a pinned one', async () => {
    const refused = await kubectl(kc, ['-n', 'pinned-demo', 'run', 'floating-pod', '--image=busybox:latest', '--', 'sleep', '60']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /admission webhook "pinned-images\.podlab\.dev" denied the request: container "floating-pod" uses image "busybox:latest": pin a version tag/);
    await kubectlOk(kc, ['-n', 'pinned-demo', 'run', 'pinned-pod', '--image=busybox:1.36', '--', 'sleep', '60']);
  });

  it('with the webhook down, failurePolicy Fail refuses in kube-apiserver\'s words and Ignore admits', async () => {
    await kubectlOk(kc, ['-n', 'webhook-demo', 'scale', 'deployment/admission-demo', '--replicas=0']);
    const refused = await eventually('a create refused for want of the webhook', async () => {
      const result = await kubectl(kc, ['-n', 'sidecar-demo', 'run', 'while-down', '--image=busybox:1.36', '--', 'sleep', '60']);
      return result.code !== 0 && /no endpoints available/.test(result.stderr) ? result.stderr : undefined;
    }, 60_000, 1000);
    assert.match(refused, /Internal error occurred: failed calling webhook "sidecar-injector\.podlab\.dev": failed to call webhook: Post "https:\/\/admission-demo\.webhook-demo\.svc:443\/mutate\?timeout=5s": no endpoints available for service "admission-demo"/);
    await kubectlOk(kc, ['patch', 'mutatingwebhookconfiguration', 'sidecar-injector', '--type=json', '-p', '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]']);
    await kubectlOk(kc, ['-n', 'sidecar-demo', 'run', 'while-down', '--image=busybox:1.36', '--', 'sleep', '60']);
    assert.equal(await kubectlOk(kc, ['-n', 'sidecar-demo', 'get', 'pod', 'while-down', '-o', 'jsonpath={.spec.containers[*].name}']), 'while-down');
  });
});
