// One probe of one container, as the kubelet's prober.go: run the handler
// (retrying up to 3 times while it errors), record the kubelet's event, and
// turn the outcome into a result. Events, all against the container:
//   Warning Unhealthy     "Liveness probe failed: HTTP probe failed with statuscode: 500"
//   Warning Unhealthy     "Readiness probe errored and resulted in unknown state: <error>"
//   Warning ProbeWarning  "Readiness probe warning: Probe terminated redirects, Response body: ..."
// gRPC probes are not implemented: they error, with a message that says so.

import type { Runtime } from '../../runtime/runtime.ts';
import type { ProbeKind } from '../probeResults.ts';
import { formatPod, type Container, type Pod, type Probe } from '../types.ts';
import { probeExec } from './execProbe.ts';
import { probeHttp } from './httpProbe.ts';
import type { PodNetworkLookup } from './podNetwork.ts';
import { probeError, type ProbeOutput } from './probeOutput.ts';
import type { ProbeTarget } from './probeTarget.ts';
import { probeTcp } from './tcpProbe.ts';

/** Where the prober's events go; the kubelet's KubeletEvents fits as is. */
export interface ProbeEventSink {
  container(pod: Pod, container: Container, type: 'Normal' | 'Warning', reason: string, message: string, containerId?: string): void;
}

export interface ProbeRun {
  /** What the worker counts toward the thresholds (results.Result). */
  result: 'success' | 'failure';
  /** Set when the probe errored: the worker throws the run away. */
  error?: string;
  /** The output, the failure or the error, for the history. */
  message: string;
}

export const PROBE_KIND_NAMES: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

const MAX_PROBE_RETRIES = 3;
/** How long a connection through a published port must stay open to count (see tcpProbe.ts). */
export const DEFAULT_SETTLE_MS = 100;

export function probeSpec(container: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'liveness' ? container.livenessProbe : kind === 'readiness' ? container.readinessProbe : container.startupProbe;
}

export interface ProberOptions {
  runtime: Pick<Runtime, 'execSync'>;
  network: PodNetworkLookup;
  events?: ProbeEventSink;
  settleMs?: number;
}

export class Prober {
  constructor(private readonly options: ProberOptions) {}

  async probe(kind: ProbeKind, pod: Pod, container: Container, containerId: string, signal?: AbortSignal): Promise<ProbeRun> {
    const spec = probeSpec(container, kind);
    if (!spec) return { result: 'success', message: '' };
    let output: ProbeOutput = probeError('not run');
    for (let attempt = 0; attempt < MAX_PROBE_RETRIES; attempt++) {
      output = await this.runProbe(spec, pod, container, containerId, signal);
      if (output.error === undefined) break;
    }
    const name = PROBE_KIND_NAMES[kind];
    if (output.error !== undefined) {
      this.event(pod, container, containerId, 'Unhealthy', `${name} probe errored and resulted in ${output.status} state: ${output.error}`);
      return { result: 'failure', error: output.error, message: output.error };
    }
    switch (output.status) {
      case 'success':
        return { result: 'success', message: output.output };
      case 'warning':
        this.event(pod, container, containerId, 'ProbeWarning', `${name} probe warning: ${output.output}`);
        return { result: 'success', message: output.output };
      case 'failure':
        this.event(pod, container, containerId, 'Unhealthy', `${name} probe failed: ${output.output}`);
        return { result: 'failure', message: output.output };
      case 'unknown':
        return { result: 'failure', message: output.output };
    }
  }

  private async runProbe(spec: Probe, pod: Pod, container: Container, containerId: string, signal?: AbortSignal): Promise<ProbeOutput> {
    const target: ProbeTarget = {
      pod,
      container,
      containerId,
      timeoutMs: (spec.timeoutSeconds || 1) * 1000,
      runtime: this.options.runtime,
      network: undefined,
      settleMs: this.options.settleMs ?? DEFAULT_SETTLE_MS,
    };
    if (signal) target.signal = signal;
    if (spec.exec) return probeExec(spec.exec, target);
    if (spec.httpGet || spec.tcpSocket) {
      try {
        target.network = await this.options.network(pod);
      } catch (error) {
        return probeError(`cannot find how to reach the pod: ${(error as Error).message}`);
      }
      return spec.httpGet ? probeHttp(spec.httpGet, target) : probeTcp(spec.tcpSocket!, target);
    }
    if ((spec as { grpc?: unknown }).grpc) return probeError('gRPC probes are not supported by PodLab yet');
    return probeError(`missing probe handler for ${formatPod(pod)}:${container.name}`);
  }

  private event(pod: Pod, container: Container, containerId: string, reason: string, message: string): void {
    this.options.events?.container(pod, container, 'Warning', reason, message, containerId);
  }
}
