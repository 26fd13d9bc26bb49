import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JourneyRecorder, type PodRef } from '../../main/kube/trace/journeyRecorder.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

const pod = (name: string, uid = `uid-${name}`): PodRef => ({ namespace: 'default', name, uid });

function recorder(options: { maxPods?: number; maxSpansPerPod?: number } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  return { clock, journeys: new JourneyRecorder({ clock, ...options }) };
}

describe('JourneyRecorder', () => {
  it('stamps spans with the injected clock, ids in OpenTelemetry sizes', () => {
    const { clock, journeys } = recorder();
    const spans = journeys.forPod(pod('web'), 'kubelet');
    const span = spans.start('node', 'create sandbox', { runtime: 'simulated' });
    clock.advance(12.5);
    span.end({ attributes: { ip: '10.0.0.5' } });
    const trace = journeys.trace('default', 'web')!;
    assert.match(trace.traceId, /^[0-9a-f]{32}$/);
    assert.equal(trace.uid, 'uid-web');
    assert.equal(trace.spans.length, 1);
    const [recorded] = trace.spans;
    assert.match(recorded!.spanId, /^[0-9a-f]{16}$/);
    assert.equal(recorded!.startMs, Date.UTC(2026, 0, 1));
    assert.equal(recorded!.endMs - recorded!.startMs, 12.5);
    assert.deepEqual(recorded!.attributes, { runtime: 'simulated', ip: '10.0.0.5' });
    assert.equal(recorded!.component, 'kubelet');
    assert.equal(recorded!.status, 'ok');
  });

  it('keeps the first spans of a pod and counts the rest as dropped', () => {
    const { journeys } = recorder({ maxSpansPerPod: 3 });
    const spans = journeys.forPod(pod('loop'), 'kubelet');
    for (let i = 0; i < 10; i++) spans.start('node', `start app #${i}`).end();
    const trace = journeys.trace('default', 'loop')!;
    assert.deepEqual(
      trace.spans.map((s) => s.name),
      ['start app #0', 'start app #1', 'start app #2'],
    );
    assert.equal(trace.droppedSpans, 7);
  });

  it('keeps the most recently active pods, least recent dropped first', () => {
    const { journeys } = recorder({ maxPods: 2 });
    journeys.forPod(pod('a'), 'kubelet').start('node', 'x').end();
    journeys.forPod(pod('b'), 'kubelet').start('node', 'x').end();
    // A span for a makes b the least recently active.
    journeys.forPod(pod('a'), 'kubelet').start('status', 'y').end();
    journeys.forPod(pod('c'), 'kubelet').start('node', 'x').end();
    assert.equal(journeys.size, 2);
    assert.equal(journeys.trace('default', 'b'), undefined);
    assert.equal(journeys.trace('default', 'a')!.spans.length, 2);
    assert.ok(journeys.trace('default', 'c'));
  });

  it('gives a request its spans before the pod exists and hands them to the pod once stored', () => {
    const { clock, journeys } = recorder();
    const request = journeys.beginRequest({ name: 'POST /api/v1/namespaces/default/pods', receivedMs: clock.now() });
    clock.advance(1);
    request.start('admission', 'authenticate', { user: 'admin' }).end();
    clock.advance(1);
    request.identify('default', 'web');
    request.start('persist', 'write to store').end({ attributes: { revision: 42 } });
    assert.equal(journeys.trace('default', 'web'), undefined, 'nothing is filed before the write');
    journeys.stored(request, pod('web'));
    journeys.forPod(pod('web'), 'kube-scheduler').start('schedule', 'bind').end();

    const trace = journeys.trace('default', 'web', 'uid-web')!;
    assert.equal(trace.traceId, request.traceId);
    assert.deepEqual(
      trace.spans.map((s) => [s.step, s.name]),
      [
        ['request', 'POST /api/v1/namespaces/default/pods'],
        ['admission', 'authenticate'],
        ['persist', 'write to store'],
        ['schedule', 'bind'],
      ],
    );
    const root = trace.spans[0]!;
    assert.equal(root.attributes.uid, 'uid-web');
    assert.equal(trace.spans[1]!.parentSpanId, root.spanId);
    assert.equal(root.endMs - root.startMs, 2, 'the root span covers the request up to the write');
  });

  it('files a refused create under the name with an empty uid and the refusal as an error', () => {
    const { journeys } = recorder();
    const first = journeys.beginRequest({ name: 'POST pods' });
    journeys.refused(first, 'default', 'root-pod', 'pods "root-pod" is forbidden: violates PodSecurity "restricted:latest"');
    const second = journeys.beginRequest({ name: 'POST pods' });
    second.start('admission', 'PodSecurity').end({ status: 'error', message: 'violates' });
    journeys.refused(second, 'default', 'root-pod', 'refused again');
    const trace = journeys.trace('default', 'root-pod')!;
    assert.equal(trace.uid, '');
    assert.equal(trace.traceId, second.traceId, 'the latest refusal replaces the one before');
    const root = trace.spans.find((s) => s.step === 'request')!;
    assert.equal(root.status, 'error');
    assert.equal(root.message, 'refused again');
    assert.equal(journeys.size, 1);
  });

  it('files nothing of a request that turned out not to create a pod', () => {
    const { journeys } = recorder();
    const request = journeys.beginRequest({ name: 'PATCH /api/v1/namespaces/default/pods/web' });
    request.start('admission', 'authorize').end();
    request.discard();
    journeys.refused(request, 'default', 'web', 'conflict');
    journeys.stored(request, pod('web'));
    assert.equal(journeys.size, 0);
  });

  it('finds a pod by uid only when namespace and name match, else by the newest journey of the name', () => {
    const { journeys } = recorder();
    journeys.forPod(pod('web', 'old'), 'kubelet').start('node', 'x').end();
    journeys.forPod(pod('web', 'new'), 'kubelet').start('node', 'y').end();
    assert.equal(journeys.trace('default', 'web')!.uid, 'new');
    assert.equal(journeys.trace('default', 'web', 'old')!.uid, 'old');
    assert.equal(journeys.trace('other', 'web', 'old'), undefined);
  });

  it('counts a repeated failure on its first span instead of adding one per retry', () => {
    const { clock, journeys } = recorder();
    const spans = journeys.forPod(pod('pending'), 'kube-scheduler');
    for (let i = 0; i < 5; i++) {
      spans.startRepeatable('schedule', 'schedule').end({ status: 'error', message: '0/1 nodes are available: 1 Insufficient cpu.' });
      clock.advance(1000);
    }
    spans.startRepeatable('schedule', 'schedule').end({ attributes: { node: 'node-1' } });
    const trace = journeys.trace('default', 'pending')!;
    assert.equal(trace.spans.length, 2);
    assert.equal(trace.spans[0]!.attributes.repeats, 4);
    assert.equal(trace.spans[0]!.endMs, Date.UTC(2026, 0, 1) + 4000);
    assert.equal(trace.spans[1]!.status, 'ok');
  });

  it('remembers that a pod has been Ready', () => {
    const { journeys } = recorder();
    const ref = pod('web');
    journeys.forPod(ref, 'kubelet').start('status', 'status Running').end();
    assert.equal(journeys.hasBeenReady(ref.uid), false);
    journeys.markReady(ref);
    assert.equal(journeys.hasBeenReady(ref.uid), true);
  });

  it('lists spans by start, the enclosing one first when two start together', () => {
    const { clock, journeys } = recorder();
    const spans = journeys.forPod(pod('web'), 'kubelet');
    const outer = spans.start('node', 'outer');
    const inner = spans.start('node', 'inner');
    clock.advance(1);
    inner.end();
    clock.advance(1);
    outer.end();
    assert.deepEqual(
      journeys.trace('default', 'web')!.spans.map((s) => s.name),
      ['outer', 'inner'],
    );
  });

  it('hands out copies: readers cannot change the record', () => {
    const { journeys } = recorder();
    journeys.forPod(pod('web'), 'kubelet').start('node', 'x', { a: 1 }).end();
    const copy = journeys.trace('default', 'web')!;
    copy.spans[0]!.attributes.a = 2;
    copy.spans.push(copy.spans[0]!);
    assert.equal(journeys.trace('default', 'web')!.spans.length, 1);
    assert.equal(journeys.trace('default', 'web')!.spans[0]!.attributes.a, 1);
  });
});
