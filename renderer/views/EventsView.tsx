// Every event in the cluster (or one namespace) as it happens.

import type { EventView } from '../../main/insight/podView.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { EventsTable } from '../components/EventsTable.tsx';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';

export function EventsView({ namespace }: { namespace: string }) {
  const events = useWatch<EventView>({ resource: resources.events, namespace: namespace || undefined });
  return (
    <section className="view">
      <header className="view-head">
        <h1>Events</h1>
        <span className="count">{events.items.length}</span>
      </header>
      {events.error && <ErrorBox error={events.error} />}
      <EventsTable events={events.items} showObject empty={events.synced ? 'No events yet.' : 'Loading…'} />
    </section>
  );
}
