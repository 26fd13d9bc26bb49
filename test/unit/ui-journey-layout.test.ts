import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodTrace, TraceSpan } from '../../preload/api.ts';
import { journeyComplete, journeyLayout, millis } from '../../renderer/pod/journeyLayout.ts';

function span(step: TraceSpan['step'], name: string, startMs: number, endMs: number, extra: Partial<TraceSpan> = {}): TraceSpan {
  return { spanId: `${step}-${name}`, step, component: 'kube-apiserver', name, startMs, endMs, status: 'ok', attributes: {}, ...extra };
}

test('the waterfall: steps in the seed\'s order, bars on one axis from the first span, request to Ready in ms', () => {
  const trace: PodTrace = {
    traceId: 'a'.repeat(32),
    namespace: 'default',
    name: 'web',
    uid: 'u1',
    droppedSpans: 0,
    spans: [
      span('schedule', 'schedule', 1010, 1012),
      span('request', 'authenticate', 1000, 1000.4),
      span('persist', 'store write', 1003, 1004),
      span('status', 'status Pending', 1050, 1060, { component: 'kubelet', attributes: { ready: 'False' } }),
      span('status', 'status Running', 1100, 1150, { component: 'kubelet', attributes: { ready: 'True' } }),
      span('admission', 'mutating webhook inject', 1001, 1002.5, { status: 'error', message: 'timeout' }),
    ],
  };
  const layout = journeyLayout(trace);
  assert.deepEqual(layout.groups.map((g) => g.step), ['request', 'admission', 'persist', 'schedule', 'status']);
  assert.equal(layout.totalMs, 150);
  assert.equal(layout.readyMs, 150);
  assert.equal(layout.errors, 1);
  const schedule = layout.groups.find((g) => g.step === 'schedule')!.bars[0]!;
  assert.equal(schedule.offsetMs, 10);
  assert.ok(Math.abs(schedule.left - 10 / 150) < 1e-9);
  assert.equal(journeyComplete(trace), true);
  assert.equal(journeyComplete({ ...trace, spans: trace.spans.filter((s) => s.step !== 'status') }), false);
  assert.equal(millis(0.4), '0.40 ms');
  assert.equal(millis(12.44), '12.4 ms');
  assert.equal(millis(1250), '1,250 ms');
});
