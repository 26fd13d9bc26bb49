// The last lines of a container's log, read once (not followed) and given up
// after a few seconds: the debugger's evidence, never worth a hung diagnosis.

import type { KubeObject } from '../../preload/api.ts';
import { chooseContainer } from './podContainers.ts';
import type { PodStreams } from './podStreams.ts';

const timeoutMs = 3000;

export async function logTail(streams: PodStreams, pod: KubeObject, container: string, options: { previous: boolean; timestamps: boolean; lines: number }): Promise<string[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    let text = '';
    for await (const chunk of streams.logs(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', { container: chooseContainer(pod, container), follow: false, previous: options.previous, timestamps: options.timestamps, tailLines: options.lines, signal: abort.signal })) text += chunk;
    return text.split('\n').filter((line) => line !== '');
  } finally {
    clearTimeout(timer);
  }
}
