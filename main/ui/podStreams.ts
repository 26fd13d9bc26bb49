// What the UI needs from the node side to show a container's output and to
// open a shell in it. The kubelets will provide it (on top of the same
// runtime that serves pods/log and pods/exec through the API server's
// PodConnector); until they run, every call answers 503 with a sentence
// saying why, and the UI shows that instead of a dead terminal.

import type { Duplex } from 'node:stream';
import { statusFailure } from './bridgeError.ts';

export interface PodLogOptions {
  container: string;
  follow: boolean;
  /** The previous (terminated) instance of the container, as `kubectl logs --previous`. */
  previous: boolean;
  /** Each line starts with its RFC 3339 time, as `kubectl logs --timestamps`. */
  timestamps: boolean;
  tailLines?: number;
  signal: AbortSignal;
}

export interface PodExecSession {
  /** Text typed into the process's stdin. */
  write(data: string): void;
  /** What the process prints (stdout and stderr merged, as a terminal shows them). */
  output: AsyncIterable<string>;
  resize(columns: number, rows: number): void;
  /** The exit code once the process ends. */
  exit: Promise<number>;
  /** Disconnects (the process gets EOF and a hang-up). */
  close(): void;
}

export interface PodStreams {
  /** Chunks of log text, each ending at a line end; ends when the container's output ends (or at once unless following). */
  logs(namespace: string, pod: string, options: PodLogOptions): AsyncIterable<string>;
  exec(namespace: string, pod: string, container: string, command: string[], tty: boolean): Promise<PodExecSession>;
  /** One connection to the pod's port (pods/portforward): its bytes both ways; destroyed with the node's error when the port cannot be reached. */
  portForward(namespace: string, pod: string, port: number): Promise<Duplex>;
}

const notYet = 'not available yet: no node runtime is running in this cluster (logs and exec come from the kubelets)';

export const unavailablePodStreams: PodStreams & { unavailable: true } = {
  unavailable: true,
  logs() {
    return {
      [Symbol.asyncIterator]() {
        return { next: () => Promise.reject(statusFailure(503, 'ServiceUnavailable', `logs are ${notYet}`)) };
      },
    };
  },
  exec() {
    return Promise.reject(statusFailure(503, 'ServiceUnavailable', `exec is ${notYet}`));
  },
  portForward() {
    return Promise.reject(statusFailure(503, 'ServiceUnavailable', `port forwarding is ${notYet}`));
  },
};

export function podStreamsAvailable(streams: PodStreams): boolean {
  return !('unavailable' in streams);
}
