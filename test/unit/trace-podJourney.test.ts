// A pod's journey across the control plane in this process: the API server,
// the scheduler, a kubelet on the simulated runtime and the endpoint
// controllers each record their part, and the trace reads in the seed's
// order. A ReplicaSet's pods (created in-process by the controller) get
// journeys too, and a refused pod keeps its refusal. No assertion is about
// how long anything took.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JourneyStep, PodTrace, TraceSpan } from '../../preload/api.ts';
import { componentUser, nodeUser } from '../../main/apiserver/auth/user.ts';
import { ControllerManager } from '../../main/controllers/controllerManager.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Kubelet } from '../../main/kubelet/kubelet.ts';
import { desktopTimings } from '../../main/kubelet/timings.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';
import { Scheduler } from '../../main/scheduler/scheduler.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const seedOrder: JourneyStep[] = ['request', 'admission', 'persist', 'schedule', 'node', 'status', 'service'];

function firstStartByStep(trace: PodTrace): Map<JourneyStep, number> {
  const first = new Map<JourneyStep, number>();
  for (const span of trace.spans) first.set(span.step, Math.min(first.get(span.step) ?? Infinity, span.startMs));
  return first;
}

function span(trace: PodTrace, name: string | RegExp): TraceSpan {
  const found = trace.spans.find((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  assert.ok(found, `no span ${name} in ${trace.spans.map((s) => s.name).join(', ')}`);
  return found;
}

describe('a pod journey across API server, scheduler, kubelet and endpoint controllers', () => {
  let env: InProcessApi;
  let scheduler: Scheduler;
  let kubelet: Kubelet;
  let controllers: ControllerManager;
  const rootDir = mkdtempSync(join(tmpdir(), 'podlab-journey-'));
  const pods = () => env.client.resource<KubeObject>({ group: '', version: 'v1', plural: 'pods' });
  const ready = async (name: string) => {
    const pod = await pods().get('default', name);
    return (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? pod : undefined;
  };

  before(async () => {
    env = await startInProcessApi();
    const journeys = env.api.journeys;
    scheduler = new Scheduler(env.api.client(componentUser('system:kube-scheduler')), { recordEvent: () => undefined, journeys, onError: () => undefined });
    await scheduler.start();
    kubelet = new Kubelet({
      nodeName: 'node-1',
      client: env.api.client(nodeUser('node-1')),
      runtime: new SimulatedRuntime({ cluster: 'journey', node: 'node-1' }),
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      nodeAddress: async () => '10.0.0.2',
      machine: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', operatingSystem: 'linux', architecture: 'amd64' },
      rootDir,
      timings: desktopTimings,
      journeys,
      onError: () => undefined,
    });
    await kubelet.start();
    controllers = new ControllerManager(env.api.client(componentUser('system:kube-controller-manager')), { controllers: ['replicaset', 'endpoint', 'endpointslice'], journeys, onError: () => undefined });
    await controllers.start();
    await eventually('the node registered', async () => (await env.client.resource({ group: '', version: 'v1', plural: 'nodes' }).list()).items.length === 1);
    await env.client.resource({ group: '', version: 'v1', plural: 'services' }).create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
  });

  after(async () => {
    await controllers?.stop();
    await kubelet?.stop();
    await scheduler?.stop();
    await env?.close();
    rmSync(rootDir, { recursive: true, force: true });
  });

  it('records every step of the seed, in its order, with times that never go back', async () => {
    await pods().create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', ports: [{ containerPort: 8080 }] }] } });
    const pod = await eventually('web-1 Ready', () => ready('web-1'));
    const trace = await eventually('both endpoint controllers recorded', async () => {
      const t = env.api.journeys.trace('default', 'web-1', pod.metadata.uid);
      return t && t.spans.some((s) => s.component === 'endpoint-controller') && t.spans.some((s) => s.component === 'endpointslice-controller') ? t : undefined;
    });
    assert.equal(trace.uid, pod.metadata.uid);
    assert.match(trace.traceId, /^[0-9a-f]{32}$/);
    assert.equal(trace.droppedSpans, 0);

    const first = firstStartByStep(trace);
    let previous = -Infinity;
    for (const step of seedOrder) {
      const start = first.get(step);
      assert.ok(start !== undefined, `no ${step} span in ${trace.spans.map((s) => `${s.step}:${s.name}`).join(', ')}`);
      assert.ok(start >= previous, `${step} starts before the step before it`);
      previous = start;
    }
    for (const s of trace.spans) {
      assert.ok(s.endMs >= s.startMs, `${s.name} ends before it starts`);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
    }
    assert.deepEqual(
      trace.spans.map((s) => s.startMs),
      [...trace.spans.map((s) => s.startMs)].sort((a, b) => a - b),
      'spans come in the order they started',
    );

    // The API server's part: who, which rule, the revision the store gave.
    const request = span(trace, 'POST /api/v1/namespaces/default/pods');
    assert.equal(request.component, 'kube-apiserver');
    assert.equal(request.attributes.uid, pod.metadata.uid);
    const authorize = span(trace, 'authorize');
    assert.equal(authorize.parentSpanId, request.spanId);
    assert.match(String(authorize.attributes.rule), /system:masters/);
    assert.match(String(span(trace, 'mutating Defaulting').attributes.changed), /spec\.restartPolicy/);
    assert.equal(span(trace, 'PodSecurity').attributes.enforce, 'privileged:latest');
    const write = span(trace, 'write to store');
    assert.equal(write.step, 'persist');
    assert.ok(Number(write.attributes.revision) > 0);

    // The scheduler's view of every node, and the choice.
    const scheduling = trace.spans.filter((s) => s.name === 'schedule' && s.status === 'ok').at(-1)!;
    assert.equal(scheduling.attributes.node, 'node-1');
    assert.deepEqual(scheduling.detail, { kind: 'nodes', nodes: [{ name: 'node-1', passed: true }] });
    assert.equal(span(trace, 'bind').attributes.node, 'node-1');

    // The kubelet's: the sandbox, the IP the network step gave (the one the status reports), the image, the container.
    span(trace, 'create sandbox');
    assert.equal(span(trace, 'pod network').attributes.ip, (pod.status as { podIP?: string }).podIP);
    const image = span(trace, /^(pull|image) busybox:1\.36$/);
    assert.equal(typeof image.attributes.bytes, 'number');
    span(trace, 'create container app');
    span(trace, 'start container app');
    const running = trace.spans.filter((s) => s.step === 'status' && s.attributes.phase === 'Running');
    assert.ok(running.some((s) => s.attributes.ready === 'True'), 'a status write says Running and Ready');

    // The endpoint controllers listing the pod's IP as ready for the Service.
    for (const component of ['endpoint-controller', 'endpointslice-controller']) {
      const listed = trace.spans.find((s) => s.component === component)!;
      assert.equal(listed.step, 'service');
      assert.equal(listed.attributes.ip, (pod.status as { podIP?: string }).podIP);
      assert.equal(listed.attributes.ready, true);
      assert.equal(listed.attributes.service, 'default/web');
    }
  });

  it('gives the pods a ReplicaSet creates in-process their journey too, as the controller manager asked', async () => {
    await env.client.resource({ group: 'apps', version: 'v1', plural: 'replicasets' }).create('default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'api' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
    });
    const pod = await eventually('a pod of the ReplicaSet Ready', async () => {
      for (const p of (await pods().list('default', { labelSelector: 'app=api' })).items) if (await ready(p.metadata.name!)) return p;
      return undefined;
    });
    const trace = env.api.journeys.trace('default', pod.metadata.name!, pod.metadata.uid)!;
    const first = firstStartByStep(trace);
    for (const step of ['request', 'admission', 'persist', 'schedule', 'node', 'status'] as const) assert.ok(first.has(step), `no ${step} span`);
    const request = trace.spans.find((s) => s.step === 'request')!;
    assert.equal(request.attributes.client, 'in-process');
    assert.equal(span(trace, 'authenticate').attributes.user, 'system:kube-controller-manager');
  });

  it('keeps a refused pod under its name, with no uid and the refusal as the error', async () => {
    await env.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'locked', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    const refusal = await pods()
      .create('locked', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root' }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } })
      .then(
        () => undefined,
        (err: Error) => err,
      );
    assert.ok(refusal, 'the pod was refused');
    const trace = env.api.journeys.trace('locked', 'root')!;
    assert.equal(trace.uid, '');
    const request = trace.spans.find((s) => s.step === 'request')!;
    assert.equal(request.status, 'error');
    assert.equal(request.message, refusal.message);
    assert.equal(request.attributes.code, 403);
    const podSecurity = span(trace, 'PodSecurity');
    assert.equal(podSecurity.status, 'error');
    assert.equal(podSecurity.attributes.enforce, 'restricted:latest');
    assert.ok(!trace.spans.some((s) => s.step === 'persist'), 'nothing was written');
  });
});
