// The Events view's filters: by the kind of the object an event is about, by
// reason, and a search through reason, object and message.

import type { EventView } from '../../main/insight/podView.ts';

export interface EventFilter {
  /** The involved object's kind; '' for any. */
  kind: string;
  /** '' for any. */
  reason: string;
  /** Words to find, case-insensitively, in the reason, the object's kind/name or the message. */
  text: string;
}

export const noFilter: EventFilter = { kind: '', reason: '', text: '' };

export function objectName(event: EventView): string {
  return `${(event.involvedObject?.kind ?? '').toLowerCase()}/${event.involvedObject?.name ?? ''}`;
}

export function filterEvents(events: EventView[], filter: EventFilter): EventView[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return events.filter((e) => {
    if (filter.kind && e.involvedObject?.kind !== filter.kind) return false;
    if (filter.reason && e.reason !== filter.reason) return false;
    if (words.length === 0) return true;
    const haystack = `${e.reason ?? ''} ${objectName(e)} ${e.message ?? ''} ${e.metadata.namespace ?? ''}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** The values `pick` takes across `events`, sorted, for a filter's choices. */
export function choices(events: EventView[], pick: (e: EventView) => string | undefined): string[] {
  return [...new Set(events.map(pick).filter((v): v is string => !!v))].sort();
}
