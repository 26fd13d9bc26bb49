// The engine's container events for one node's containers, as the runtime's
// ContainerEvent: what the kubelet's event-driven PLEG listens to instead of
// relisting everything every second.

import type Docker from 'dockerode';
import type * as Readline from 'node:readline';
import { lazyModule } from '../../lazyModule.ts';
import type { Readable } from 'node:stream';
import { CONTAINER_TYPE_SANDBOX, LABEL_CONTAINER_TYPE, type ContainerEvent, type ContainerEventStream, type ContainerEventType, type EventOptions } from '../runtime.ts';
import { engineCall } from './engine.ts';
import { labelFilters } from './labels.ts';
import { placementLabels, splitLabels, type Placement } from '../labels.ts';

const readline = lazyModule<typeof Readline>('node:readline');

const EVENT_TYPES: Record<string, ContainerEventType> = { create: 'created', start: 'started', die: 'died', oom: 'oom', destroy: 'removed' };

// Docker mixes these into the labels it reports with each event.
const NON_LABEL_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execDuration']);

interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  timeNano?: number;
  time?: number;
}

export function containerEvents(docker: Docker, placement: Placement, options: EventOptions = {}): ContainerEventStream {
  const filters = { type: ['container'], event: Object.keys(EVENT_TYPES), label: labelFilters(placementLabels(placement)) };
  // Requested now, not on first iteration: the engine subscribes before it
  // answers, so once the answer is in no event can slip by.
  const opened = engineCall('watch events', () =>
    docker.getEvents({ filters: JSON.stringify(filters), ...(options.signal ? { abortSignal: options.signal } : {}) } as object),
  ) as unknown as Promise<Readable>;
  const ready = opened.then(() => undefined);
  // Whoever iterates sees the failure; an unread `ready` must not crash the process.
  ready.catch(() => {});
  return { ready, [Symbol.asyncIterator]: () => readEvents(opened, options.signal) };
}

async function* readEvents(opened: Promise<Readable>, signal: AbortSignal | undefined): AsyncGenerator<ContainerEvent> {
  let stream: Readable;
  try {
    stream = await opened;
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  const lines = readline().createInterface({ input: stream, crlfDelay: Infinity });
  // An aborted request does not always end the response stream, and readline
  // waits for its end: close both explicitly so the loop below finishes.
  const stop = () => {
    lines.close();
    stream.destroy();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const event = toContainerEvent(JSON.parse(line) as DockerEvent);
      if (event) yield event;
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    stop();
  }
}

function toContainerEvent(event: DockerEvent): ContainerEvent | undefined {
  const type = EVENT_TYPES[event.Action];
  if (event.Type !== 'container' || !type) return undefined;
  const attributes = event.Actor.Attributes ?? {};
  const { labels } = splitLabels(Object.fromEntries(Object.entries(attributes).filter(([key]) => !NON_LABEL_ATTRIBUTES.has(key))));
  const result: ContainerEvent = {
    type,
    containerId: event.Actor.ID,
    isSandbox: attributes[LABEL_CONTAINER_TYPE] === CONTAINER_TYPE_SANDBOX,
    labels,
    time: event.timeNano ? new Date(Math.floor(event.timeNano / 1e6)) : new Date((event.time ?? 0) * 1000),
  };
  if (type === 'died' && attributes.exitCode !== undefined) result.exitCode = Number(attributes.exitCode);
  return result;
}
