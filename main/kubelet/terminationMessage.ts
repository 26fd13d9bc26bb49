// The kubelet's part of termination messages (kuberuntime's
// terminationMessagePath handling): each container instance gets a file of
// its own under the pod's directory, mounted at its terminationMessagePath
// (default /dev/termination-log) unless a volume is mounted there; the
// runtime reads it back once the container exits. With
// FallbackToLogsOnError, a failed container that wrote nothing gets the last
// lines of its log instead, as `kubectl describe pod` then shows.

// fs.promises is loaded when first used: importing node:fs/promises would load it (and readline) as PodLab starts.
import { promises as fsPromises } from 'node:fs';
import { join } from 'node:path';
import type { Mount, Runtime } from '../runtime/runtime.ts';
import type { Container } from './types.ts';

export const ANNOTATION_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
/** kubelet's maxTerminationMessageLogLines and maxTerminationMessageLogLength. */
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

/** Creates the instance's empty message file and its mount; undefined when the container has no path or a volume covers it. */
export async function terminationMessageMount(podDir: string, container: Container, restartCount: number): Promise<Mount | undefined> {
  const path = container.terminationMessagePath;
  if (!path || (container.volumeMounts ?? []).some((m) => m.mountPath === path)) return undefined;
  const dir = join(podDir, 'containers', container.name);
  // Asynchronous, as the volumes' files: the calls run on libuv's threads, not on the kubelets' event loop.
  await fsPromises.mkdir(dir, { recursive: true, mode: 0o777 });
  const file = join(dir, `termination-log-${restartCount}`);
  await fsPromises.writeFile(file, '');
  // Only this instance's and the previous one's message are ever shown (state, lastState): a container
  // crash-looping for days would otherwise leave a file per restart until its pod goes.
  if (restartCount >= 2) await fsPromises.rm(join(dir, `termination-log-${restartCount - 2}`), { force: true });
  // The container may run as any user: it must be able to write its message.
  await fsPromises.chmod(file, 0o666);
  return { containerPath: path, source: { type: 'hostPath', path: file }, readOnly: false };
}

/** The end of a failed container's log, for FallbackToLogsOnError. */
export async function messageFromLogs(runtime: Runtime, containerId: string): Promise<string | undefined> {
  const lines: string[] = [];
  for await (const line of runtime.logs(containerId, { tailLines: FALLBACK_LOG_LINES })) lines.push(line.line);
  const text = lines.join('\n');
  if (!text) return undefined;
  const bytes = Buffer.from(text);
  return bytes.length <= FALLBACK_LOG_BYTES ? text : bytes.subarray(bytes.length - FALLBACK_LOG_BYTES).toString('utf8');
}
