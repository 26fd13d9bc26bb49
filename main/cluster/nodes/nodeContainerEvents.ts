// Docker's events for one cluster's node containers (created, started,
// stopped, removed), so the serving process notices `podlab node ...` run
// from another shell, or `docker stop` on a node, as it happens.

import type Docker from 'dockerode';
import type * as Readline from 'node:readline';
import { lazyModule } from '../../lazyModule.ts';
import type { Readable } from 'node:stream';
import { LABEL_CLUSTER } from '../../runtime/runtime.ts';
import { LABEL_ROLE, ROLE_NODE } from '../../runtime/docker/nodeContainers.ts';

const readline = lazyModule<typeof Readline>('node:readline');

const ACTIONS = ['create', 'start', 'die', 'stop', 'destroy', 'kill'];

/** Calls `onChange` for every event until the signal aborts; rejects when the engine's stream breaks. */
export async function watchNodeContainers(docker: Docker, cluster: string, signal: AbortSignal, onChange: () => void, onReady: () => void): Promise<void> {
  const filters = { type: ['container'], event: ACTIONS, label: [`${LABEL_CLUSTER}=${cluster}`, `${LABEL_ROLE}=${ROLE_NODE}`] };
  const stream = (await docker.getEvents({ filters: JSON.stringify(filters), abortSignal: signal } as object)) as unknown as Readable;
  onReady();
  const lines = readline().createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line.trim()) onChange();
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
  if (!signal.aborted) throw new Error('the engine ended its event stream');
}
