// A probe in one line, as `kubectl describe pod` prints it:
// `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.

import type { ProbeView } from './podView.ts';

export function probeAction(probe: ProbeView): string {
  if (probe.httpGet) {
    const { scheme = 'HTTP', host = '', port = '', path = '' } = probe.httpGet;
    return `http-get ${scheme.toLowerCase()}://${host}:${port}${path}`;
  }
  if (probe.tcpSocket) return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port ?? ''}`;
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}]`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port ?? ''} ${probe.grpc.service ?? ''}`.trim();
  return 'unknown';
}

export function describeProbe(probe: ProbeView): string {
  return `${probeAction(probe)} delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
}
