// Issue "Tracing a pod's journey": the trace's memory per pod. One real
// journey is taken from `podlab serve --runtime simulated` (a pod behind a
// Service, from the request to the endpoint controllers, read back from
// /podlab/v1/.../trace); then 2,000 pods' journeys of that shape, each with
// its own names, uids, addresses and span ids, go through a recorder's own
// API (requests filed on their pods, component spans recorded as they end),
// and the heap it holds is measured after a full collection. The recorder's
// bound is checked the same way: 1,000 more pods leave it at 2,000.

import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PodTrace, TraceSpan } from '../../preload/api.ts';
import { DEFAULT_MAX_PODS, DEFAULT_MAX_SPANS_PER_POD, JourneyRecorder } from '../../main/kube/trace/journeyRecorder.ts';
import { rawRequest, targetFromKubeconfig, type ApiTarget } from '../helpers/apiClient.ts';
import { removeDir, startPodlab } from '../helpers/podlabProcess.ts';
import { sleep } from './measures.ts';
import { untilReadyNodes } from './readyNodes.ts';

export interface JourneyBenchResult {
  pods: number;
  spansPerPod: number;
  steps: string;
  heapBytesPerPod: number;
  heapMiB: number;
  /** Recording cost: time spent in the recorder's calls divided by the spans recorded. */
  microsPerSpan: number;
  /** After 1,000 more pods than the bound. */
  keptAfterOverflow: number;
  heapMiBAfterOverflow: number;
}

const manifest = (name: string) => [
  { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['httpd', '-f', '-p', '8080'], ports: [{ containerPort: 8080 }] }] } },
];

/** A full journey as PodLab records it for a pod behind a Service on the simulated runtime. */
async function realJourney(api: ApiTarget): Promise<PodTrace> {
  const [service, pod] = manifest('web');
  if ((await rawRequest(api, 'POST', '/api/v1/namespaces/default/services', JSON.stringify(service))).status !== 201) throw new Error('creating the Service failed');
  if ((await rawRequest(api, 'POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod))).status !== 201) throw new Error('creating the pod failed');
  const deadline = performance.now() + 60_000;
  for (;;) {
    const res = await rawRequest(api, 'GET', '/podlab/v1/namespaces/default/pods/web/trace');
    if (res.status === 200) {
      const trace = res.json() as PodTrace;
      const components = new Set(trace.spans.map((s) => s.component));
      if (components.has('endpoint-controller') && components.has('endpointslice-controller')) return trace;
    }
    if (performance.now() > deadline) throw new Error(`the journey of pod web did not reach the endpoint controllers in 60 s (last answer ${res.status})`);
    await sleep(100);
  }
}

/** A fresh copy of a value for pod i: strings naming the template pod name this one, as its own components would. */
function fresh(value: string | number | boolean, template: PodTrace, i: number): string | number | boolean {
  if (typeof value !== 'string') return value;
  return value.split(template.uid).join(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).split(template.name).join(`web-${i}`).replace(/\b10\.(\d+)\.(\d+)\.(\d+)\b/g, `10.$1.${(i >> 8) & 255}.${i & 255}`) + '';
}

function attributesFor(span: TraceSpan, template: PodTrace, i: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(span.attributes)) out[key] = fresh(value, template, i);
  return out;
}

interface PlannedSpan {
  /** A step of the API request (recorded before the pod is stored), or a component's. */
  request: boolean;
  component: string;
  step: TraceSpan['step'];
  name: string;
  attributes: Record<string, string | number | boolean>;
  outcome: { status: 'ok' | 'error'; message?: string; detail?: TraceSpan['detail'] };
  filesRequest: boolean;
}

/** Pod i's journey, made ready before the clock runs: the strings its components would have made. */
function plan(template: PodTrace, i: number): { pod: { namespace: string; name: string; uid: string }; root: PlannedSpan; spans: PlannedSpan[] } {
  const pod = { namespace: template.namespace, name: `web-${i}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
  const rootSpan = template.spans.find((s) => s.step === 'request' && !s.parentSpanId)!;
  const planned = (span: TraceSpan): PlannedSpan => ({
    request: span.parentSpanId === rootSpan.spanId,
    component: span.component,
    step: span.step,
    name: fresh(span.name, template, i) as string,
    attributes: attributesFor(span, template, i),
    outcome: { status: span.status, ...(span.message ? { message: fresh(span.message, template, i) as string } : {}), ...(span.detail ? { detail: structuredClone(span.detail) } : {}) },
    filesRequest: span.step === 'persist',
  });
  return { pod, root: planned(rootSpan), spans: template.spans.filter((s) => s !== rootSpan).map(planned) };
}

/** Records a planned journey through the recorder's API, in the order the components record theirs; returns the spans recorded. */
function record(journeys: JourneyRecorder, { pod, root, spans }: ReturnType<typeof plan>): number {
  const request = journeys.beginRequest({ name: root.name, attributes: root.attributes });
  for (const span of spans) {
    if (span.request) request.start(span.step, span.name, span.attributes).end(span.outcome);
    else journeys.forPod(pod, span.component).start(span.step, span.name, span.attributes).end(span.outcome);
    // The request's spans go to the pod when the write is answered, before any other component sees it.
    if (span.filesRequest) journeys.stored(request, pod, { code: 201 });
  }
  return spans.length + 1;
}

export async function benchJourneys(): Promise<JourneyBenchResult> {
  const serve = await startPodlab(['--runtime', 'simulated']);
  let template: PodTrace;
  try {
    const api = targetFromKubeconfig(serve.kubeconfig);
    await untilReadyNodes(api, 1, 60_000);
    template = await realJourney(api);
  } finally {
    await serve.stop();
    removeDir(serve.dataDir);
  }

  // A full collection before each reading: what the recorder holds, not garbage waiting to go.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  const pods = DEFAULT_MAX_PODS;
  const journeys = new JourneyRecorder();
  const before = heap();
  let elapsed = 0;
  let spans = 0;
  for (let i = 0; i < pods; i++) {
    const journey = plan(template, i);
    const started = performance.now();
    spans += record(journeys, journey);
    elapsed += performance.now() - started;
  }
  const after = heap();
  for (let i = pods; i < pods + 1000; i++) record(journeys, plan(template, i));
  const overflow = heap();
  if (journeys.trace('default', `web-${pods - 1}`)?.spans.length !== template.spans.length) throw new Error('the replayed journey does not have the template\'s spans');

  const steps = [...new Set(template.spans.map((s) => s.step))].join(' → ');
  return {
    pods,
    spansPerPod: template.spans.length,
    steps,
    heapBytesPerPod: (after - before) / pods,
    heapMiB: (after - before) / 2 ** 20,
    microsPerSpan: (elapsed * 1000) / spans,
    keptAfterOverflow: journeys.size,
    heapMiBAfterOverflow: (overflow - before) / 2 ** 20,
  };
}

export const journeyBounds = { maxPods: DEFAULT_MAX_PODS, maxSpansPerPod: DEFAULT_MAX_SPANS_PER_POD };
