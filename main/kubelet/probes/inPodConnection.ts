// Reaching a port the sandbox does not publish: from inside the pod, with
// `nc` in the probed container (it shares the pod's network namespace, so the
// pod IP is local there). busybox's nc is the tool that works: its static
// wget crashes on name lookups. With `-e`, nc hands the connection to a shell
// that writes the request and copies the answer to stderr, so the exec ends
// as soon as the server closes, with no helper left to time out. Images
// without sh and nc (distroless) cannot be probed this way, and say so.

import { TimeoutError, type Runtime } from '../../runtime/runtime.ts';

export type InPodReply =
  | { kind: 'connected'; response: string }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

export interface InPodDial {
  runtime: Pick<Runtime, 'execSync'>;
  containerId: string;
  host: string;
  port: number;
  timeoutMs: number;
  /** Bytes to send once connected; without it, the connection is only opened and closed. */
  request?: string;
}

/** How a runtime says the program does not exist (Docker: exit 126 or 127 with the OCI message). */
export function isMissingProgram(exitCode: number, output: string): boolean {
  return (exitCode === 126 || exitCode === 127) && /OCI runtime exec failed|executable file not found/i.test(output);
}

export async function dialInPod(dial: InPodDial): Promise<InPodReply> {
  const seconds = String(Math.max(1, Math.ceil(dial.timeoutMs / 1000)));
  const target = ['nc', '-w', seconds, dial.host, String(dial.port)];
  const command = dial.request === undefined ? target : [...target, '-e', 'sh', '-c', 'printf "%s" "$1"; cat >&2', 'probe', dial.request];
  let result;
  try {
    result = await dial.runtime.execSync(dial.containerId, command, dial.timeoutMs);
  } catch (error) {
    if (error instanceof TimeoutError) return { kind: 'timeout' };
    return { kind: 'error', message: (error as Error).message };
  }
  const output = `${result.stdout}${result.stderr}`;
  if (result.exitCode === 0) return { kind: 'connected', response: result.stderr };
  if (isMissingProgram(result.exitCode, output)) {
    return {
      kind: 'error',
      message: `port ${dial.port} is not published by the pod's sandbox, and the container has no nc to reach it from inside the pod: ${output.trim()}`,
    };
  }
  if (/connection refused/i.test(output)) return { kind: 'refused' };
  if (/timed out|timeout/i.test(output)) return { kind: 'timeout' };
  return { kind: 'error', message: output.trim() || `nc exited with ${result.exitCode}` };
}
