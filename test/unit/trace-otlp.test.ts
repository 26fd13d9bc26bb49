import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodTrace } from '../../preload/api.ts';
import { JOURNEY_SCOPE, toOtlp, unixNanos } from '../../main/kube/trace/otlp.ts';

const trace: PodTrace = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  namespace: 'default',
  name: 'web',
  uid: '5b0c1d3e-0000-4000-8000-000000000001',
  droppedSpans: 0,
  spans: [
    { spanId: 'b7ad6b7169203331', step: 'request', component: 'kube-apiserver', name: 'POST /api/v1/namespaces/default/pods', startMs: 1767225600000.25, endMs: 1767225600004.5, status: 'ok', attributes: { user: 'admin', code: 201 } },
    {
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      step: 'admission',
      component: 'kube-apiserver',
      name: 'mutating webhook inject.podlab.dev',
      startMs: 1767225600001,
      endMs: 1767225600002.125,
      status: 'ok',
      attributes: { ratio: 0.5, mutated: true },
      detail: { kind: 'patch', operations: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }], before: 'a: 1\n', after: 'a: 1\nx: y\n' },
    },
    { spanId: '1111111111111111', step: 'node', component: 'kubelet', name: 'pull busybox:1.36', startMs: 1767225601000, endMs: 1767225601500, status: 'error', message: 'not found', attributes: { bytes: 1234567 } },
  ],
};

describe('OTLP/JSON export of a journey', () => {
  it('writes epoch milliseconds as exact nanosecond strings', () => {
    assert.equal(unixNanos(1767225600000), '1767225600000000000');
    assert.equal(unixNanos(1767225600000.25), '1767225600000250000');
    assert.equal(unixNanos(1767225600002.125), '1767225600002125000');
  });

  it('groups spans per component with service.name and the pod as resource attributes', () => {
    const otlp = toOtlp(trace);
    assert.equal(otlp.resourceSpans.length, 2);
    const [api, kubelet] = otlp.resourceSpans;
    assert.deepEqual(api!.resource.attributes, [
      { key: 'service.name', value: { stringValue: 'kube-apiserver' } },
      { key: 'k8s.namespace.name', value: { stringValue: 'default' } },
      { key: 'k8s.pod.name', value: { stringValue: 'web' } },
      { key: 'k8s.pod.uid', value: { stringValue: '5b0c1d3e-0000-4000-8000-000000000001' } },
    ]);
    assert.equal(api!.scopeSpans[0]!.scope.name, JOURNEY_SCOPE);
    assert.equal(api!.scopeSpans[0]!.spans.length, 2);
    assert.deepEqual(kubelet!.resource.attributes[0]!.value, { stringValue: 'kubelet' });
  });

  it('maps each span: ids, parent, kind, times, status and typed attributes', () => {
    const [api, kubelet] = toOtlp(trace).resourceSpans;
    const [request, webhook] = api!.scopeSpans[0]!.spans;
    assert.equal(request!.traceId, trace.traceId);
    assert.equal(request!.spanId, 'b7ad6b7169203331');
    assert.equal(request!.parentSpanId, undefined);
    assert.equal(request!.kind, 2, 'an API request is a server span');
    assert.equal(request!.startTimeUnixNano, '1767225600000250000');
    assert.equal(request!.endTimeUnixNano, '1767225600004500000');
    assert.deepEqual(request!.status, { code: 1 });
    assert.deepEqual(request!.attributes, [
      { key: 'podlab.step', value: { stringValue: 'request' } },
      { key: 'user', value: { stringValue: 'admin' } },
      { key: 'code', value: { intValue: '201' } },
    ]);
    assert.equal(webhook!.kind, 1);
    assert.equal(webhook!.parentSpanId, 'b7ad6b7169203331');
    const attrs = Object.fromEntries(webhook!.attributes.map((a) => [a.key, a.value]));
    assert.deepEqual(attrs.ratio, { doubleValue: 0.5 });
    assert.deepEqual(attrs.mutated, { boolValue: true });
    const patch = JSON.parse((attrs['podlab.detail.patch'] as { stringValue: string }).stringValue) as { operations: unknown[] };
    assert.equal(patch.operations.length, 1);
    const pull = kubelet!.scopeSpans[0]!.spans[0]!;
    assert.deepEqual(pull.status, { code: 2, message: 'not found' });
    assert.deepEqual(pull.attributes[1], { key: 'bytes', value: { intValue: '1234567' } });
  });

  it('survives a JSON round trip unchanged (what an OTLP/HTTP JSON receiver reads)', () => {
    const otlp = toOtlp({ ...trace, droppedSpans: 3 });
    assert.deepEqual(JSON.parse(JSON.stringify(otlp)), otlp);
    assert.deepEqual(otlp.resourceSpans[0]!.resource.attributes.at(-1), { key: 'podlab.journey.dropped_spans', value: { intValue: '3' } });
  });
});
