// Every event in the cluster (or one namespace) as it happens: filtered by
// the kind of object and the reason, searched, warnings only if asked (a
// server-side field selector, as `kubectl get events --field-selector
// type=Warning`); each event's object one click away.

import { useMemo, useState } from 'react';
import type { EventView } from '../../main/insight/podView.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { EventsTable } from '../components/EventsTable.tsx';
import { choices, filterEvents, noFilter, type EventFilter } from '../events/eventFilters.ts';
import { useWatch } from '../hooks/useWatch.ts';
import type { ObjectLink } from '../resources/location.ts';
import { resources } from '../resourceTypes.ts';

interface Props {
  namespace: string;
  onOpenObject: (link: ObjectLink) => void;
}

export function EventsView({ namespace, onOpenObject }: Props) {
  const [warningsOnly, setWarningsOnly] = useState(false);
  const [filter, setFilter] = useState<EventFilter>(noFilter);
  const events = useWatch<EventView>({ resource: resources.events, namespace: namespace || undefined, fieldSelector: warningsOnly ? 'type=Warning' : undefined });
  const shown = useMemo(() => filterEvents(events.items, filter), [events.items, filter]);
  const kinds = useMemo(() => choices(events.items, (e) => e.involvedObject?.kind), [events.items]);
  const reasons = useMemo(() => choices(events.items, (e) => e.reason), [events.items]);
  const set = (change: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...change }));
  return (
    <section className="view">
      <header className="view-head">
        <h1>Events</h1>
        <span className="count">{events.synced ? `${shown.length} of ${events.items.length}` : 'loading…'}</span>
        <span className="spacer" />
        <select value={filter.kind} onChange={(e) => set({ kind: e.target.value })} aria-label="Object kind">
          <option value="">All kinds</option>
          {[...new Set([...kinds, filter.kind].filter(Boolean))].map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <select value={filter.reason} onChange={(e) => set({ reason: e.target.value })} aria-label="Reason">
          <option value="">All reasons</option>
          {[...new Set([...reasons, filter.reason].filter(Boolean))].map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <input className="filter" type="search" placeholder="Search reason, object, message" value={filter.text} onChange={(e) => set({ text: e.target.value })} aria-label="Search events" />
        <label className="check">
          <input type="checkbox" checked={warningsOnly} onChange={(e) => setWarningsOnly(e.target.checked)} /> Warnings only
        </label>
      </header>
      {events.error && <ErrorBox error={events.error} />}
      <EventsTable
        events={shown}
        showObject
        onOpenObject={(e) => onOpenObject({ ...e.involvedObject, apiVersion: (e.involvedObject as { apiVersion?: string } | undefined)?.apiVersion })}
        empty={!events.synced ? 'Loading…' : events.items.length === 0 ? (warningsOnly ? 'No warnings.' : 'No events yet.') : 'No event matches the filters.'}
      />
    </section>
  );
}
