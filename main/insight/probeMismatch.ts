// Why a probe fails, from the kubelet's message and the container's declared
// ports: nothing listens where the probe knocks (the port), the program
// answers but not at that path, or it answers too slowly. Each has its own
// change to the probe.

import type { Fix } from '../../preload/api.ts';
import { containerSpecFix } from './fixBuilders.ts';
import type { ContainerView, ProbeView } from './podView.ts';

function probePort(probe: ProbeView): number | string | undefined {
  return probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
}

/** The container ports as declared, numbers first: `80 (http)`. */
function declaredPorts(container: ContainerView | undefined): string {
  return (container?.ports ?? []).map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ''}`).join(', ');
}

export interface ProbeMismatch {
  /** One sentence on what is wrong. */
  cause: string;
  /** The port to probe instead, when the container declares exactly one other. */
  port?: number;
  /** The path to probe instead of one answering 404: the root, which a web program serves. */
  path?: string;
}

/** The only port the container declares, when the probe points elsewhere. */
function onlyOtherPort(container: ContainerView | undefined, probed: number | string | undefined): number | undefined {
  const ports = (container?.ports ?? []).map((p) => p.containerPort).filter((p): p is number => typeof p === 'number');
  return ports.length === 1 && ports[0] !== probed ? ports[0] : undefined;
}

/** What the probe's failure message says is wrong, or undefined when it says nothing specific. */
export function probeMismatch(probe: ProbeView | undefined, container: ContainerView | undefined, message: string): ProbeMismatch | undefined {
  const cause = mismatchCause(probe, container, message);
  if (!cause || !probe) return undefined;
  const refused = /connection refused|connection reset/i.test(message) || /does not declare/.test(cause);
  const notFound = /\(404 Not Found\)/.test(cause) && probe.httpGet?.path && probe.httpGet.path !== '/';
  return { cause, ...(refused && { port: onlyOtherPort(container, probePort(probe)) }), ...(notFound && { path: '/' }) };
}

/** The change that points the probe at the container's declared port. */
export function probePortFix(kind: 'readinessProbe' | 'livenessProbe', probe: ProbeView, container: string, port: number): Fix {
  const handler = probe.httpGet ? 'httpGet' : probe.tcpSocket ? 'tcpSocket' : 'grpc';
  return containerSpecFix(
    `Point the ${kind === 'readinessProbe' ? 'readiness' : 'liveness'} probe of ${container} at port ${port}`,
    `Port ${port} is the one port the container declares, so that is where the program should answer. If the program serves another port, change the probe to that one instead.`,
    container,
    { [kind]: { [handler]: { port } } },
  );
}

/** The change that probes the root path instead of one the program does not serve. */
export function probePathFix(kind: 'readinessProbe' | 'livenessProbe', container: string, path: string): Fix {
  return containerSpecFix(
    `Probe ${path} of ${container} instead`,
    `The program answers on the probed port but not at that path. Its root page is the likeliest to answer; if the program has a real health endpoint, put that path in the probe instead. The check after applying shows whether the pod turns Ready.`,
    container,
    { [kind]: { httpGet: { path } } },
  );
}

function mismatchCause(probe: ProbeView | undefined, container: ContainerView | undefined, message: string): string | undefined {
  if (!probe) return undefined;
  const port = probePort(probe);
  const declared = declaredPorts(container);
  const named = typeof port === 'string' ? container?.ports?.find((p) => p.name === port) : undefined;
  if (typeof port === 'string' && !named) return `The probe names port "${port}", which the container does not declare${declared ? ` (it declares ${declared})` : ''}: use a declared port's name or number.`;
  const number = named?.containerPort ?? port;
  if (/connection refused|connect: connection reset/i.test(message)) {
    const mismatch = declared && !container?.ports?.some((p) => p.containerPort === number);
    return mismatch
      ? `Nothing listens on port ${number} in the container: it declares ${declared}. Point the probe at the port the program serves.`
      : `Nothing listens on port ${number} in the container (connection refused): the program serves another port, binds only to 127.0.0.1, or has not started listening yet (raise initialDelaySeconds, or add a startupProbe).`;
  }
  const status = /statuscode: (\d+)/i.exec(message)?.[1];
  if (status === '404') return `The program answers on port ${number} but not at ${probe.httpGet?.path ?? '/'} (404 Not Found): point the probe's path at an endpoint the program serves.`;
  if (status) return `The program answers ${probe.httpGet?.path ?? '/'} with HTTP ${status}; the probe passes only on 200–399.`;
  if (/timeout|deadline exceeded|Client.Timeout/i.test(message)) return `The program did not answer within timeoutSeconds (${probe.timeoutSeconds ?? 1}s): it is busy or slow to start; raise timeoutSeconds or initialDelaySeconds, or add a startupProbe.`;
  return undefined;
}
