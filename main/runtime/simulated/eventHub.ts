// Container events of the simulated runtime, delivered to every open stream.
// A stream buffers what arrives while its reader is busy, so a slow reader
// loses nothing; emitting costs one push per open stream.

import type { ContainerEvent, ContainerEventStream, EventOptions } from '../runtime.ts';

interface Subscriber {
  queue: ContainerEvent[];
  wake?: () => void;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  emit(event: ContainerEvent): void {
    for (const subscriber of this.subscribers) {
      subscriber.queue.push(event);
      subscriber.wake?.();
    }
  }

  /** Subscribed at once: events emitted after this call are delivered. */
  subscribe(options: EventOptions = {}): ContainerEventStream {
    const subscriber: Subscriber = { queue: [] };
    const signal = options.signal;
    if (!signal?.aborted) this.subscribers.add(subscriber);
    const hub = this;
    async function* read(): AsyncGenerator<ContainerEvent> {
      const onAbort = () => subscriber.wake?.();
      signal?.addEventListener('abort', onAbort);
      try {
        while (!signal?.aborted) {
          const event = subscriber.queue.shift();
          if (event) {
            yield event;
            continue;
          }
          await new Promise<void>((resolve) => (subscriber.wake = resolve));
          subscriber.wake = undefined;
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        hub.subscribers.delete(subscriber);
      }
    }
    return { ready: Promise.resolve(), [Symbol.asyncIterator]: read };
  }
}
