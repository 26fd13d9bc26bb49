// The kubelet's read-only HTTP API, which kube-apiserver reaches through
// nodes/NAME/proxy/PATH: /healthz, /pods, /configz, /stats/summary and the
// /metrics endpoints. PodLab's kubelets run in this process, so nodes/proxy
// answers from the kubelet's own state instead of over the network; the
// answers are the kubelet's, byte for byte where clients care (go-restful
// indents /stats/summary; /pods and /configz are compact; an unknown path is
// Go's "404 page not found"). exec, attach and port-forward go through the
// pods' own subresources, not through here.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import type { NodeConnector } from '../../apiserver/subresources.ts';
import { quantityValue } from '../../kube/quantity.ts';
import type { ContainerSample } from '../../metrics/usageCollector.ts';
import type { Kubelet } from '../kubelet.ts';
import { cadvisorMetrics, kubeletOwnMetrics, probeMetrics, resourceMetrics } from './kubeletMetrics.ts';
import { PROMETHEUS_TEXT_TYPE, prometheusText } from '../../metrics/prometheusText.ts';
import { statsSummary } from './statsSummary.ts';

export type KubeletView = Pick<Kubelet, 'nodeName' | 'boundPods' | 'configuration' | 'runningSince' | 'runtime' | 'probes' | 'capacity'>;

export interface KubeletApiSources {
  kubelet: KubeletView;
  /** The latest sample of each container running on the node. */
  samples: () => ContainerSample[];
  now: () => Date;
}

interface Answer {
  code: number;
  type: string;
  body: string;
}

const json = (value: unknown, indent?: number): Answer => ({ code: 200, type: 'application/json', body: `${JSON.stringify(value, null, indent)}${indent ? '' : '\n'}` });
const text = (body: string, code = 200): Answer => ({ code, type: 'text/plain; charset=utf-8', body });
const metrics = (families: Parameters<typeof prometheusText>[0]): Answer => ({ code: 200, type: PROMETHEUS_TEXT_TYPE, body: prometheusText(families) });

type Route = (sources: KubeletApiSources) => Answer | Promise<Answer>;

const routes: Record<string, Route> = {
  '/healthz': () => text('ok'),
  '/pods': ({ kubelet }) => json({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: kubelet.boundPods() }),
  '/configz': ({ kubelet }) => json({ kubeletconfig: kubelet.configuration() }),
  '/stats/summary': ({ kubelet, samples, now }) =>
    json(
      statsSummary({
        nodeName: kubelet.nodeName,
        startedAt: kubelet.runningSince ?? now(),
        memoryCapacityBytes: kubelet.capacity.memory ? quantityValue(kubelet.capacity.memory) : 0,
        pods: kubelet.boundPods(),
        samples: samples(),
        now: now(),
      }),
      2,
    ),
  '/metrics/resource': ({ samples, now }) => metrics(resourceMetrics(samples(), now().getTime())),
  '/metrics/cadvisor': ({ samples }) => metrics(cadvisorMetrics(samples())),
  '/metrics/probes': ({ kubelet }) => {
    const pods = new Map(kubelet.boundPods().map((pod) => [pod.metadata.uid ?? '', pod]));
    return metrics(probeMetrics(kubelet.probes.totals(), (uid) => pods.get(uid)));
  },
  '/metrics': async ({ kubelet }) => {
    const [sandboxes, containers] = await Promise.all([kubelet.runtime.listPodSandboxes({ state: 'ready' }), kubelet.runtime.listContainers()]);
    return metrics(kubeletOwnMetrics(kubelet.nodeName, sandboxes.length, containers.map((c) => c.state)));
  },
};

export class KubeletApi implements ConnectHandler {
  constructor(
    private readonly sources: KubeletApiSources,
    /** The path past `/proxy`, as sent. */
    private readonly path: string,
  ) {}

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // As every proxy of kube-apiserver: the bare location goes to the one with a slash.
    if (this.path === '') {
      const [path, query] = (req.url ?? '').split('?', 2);
      res.writeHead(301, { Location: `${path}/${query ? `?${query}` : ''}` }).end();
      return;
    }
    const route = Object.hasOwn(routes, this.path) ? routes[this.path] : undefined;
    let answer: Answer;
    if (!route) answer = text('404 page not found\n', 404);
    else if (req.method !== 'GET' && req.method !== 'HEAD') answer = text('405: Method Not Allowed', 405);
    else if (!this.sources.kubelet.runningSince) answer = text('kubelet is stopping', 503);
    else answer = await route(this.sources);
    res.writeHead(answer.code, { 'Content-Type': answer.type, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  upgrade(_req: IncomingMessage, socket: Duplex): void {
    socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nexec, attach and port-forward through nodes/proxy are not supported by PodLab: use the pod\'s own subresources (kubectl exec, attach, port-forward)\n');
  }
}

/** nodes/proxy's node side for the kubelets a lookup finds, with their containers' latest samples. */
export function kubeletConnector(kubeletFor: (nodeName: string) => KubeletView | undefined, samplesOf: (nodeName: string) => ContainerSample[], now: () => Date = () => new Date()): NodeConnector {
  return {
    kubeletApi: (nodeName, path) => {
      const kubelet = kubeletFor(nodeName);
      return kubelet && new KubeletApi({ kubelet, samples: () => samplesOf(nodeName), now }, path);
    },
  };
}
