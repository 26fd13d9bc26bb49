// Events as `kubectl get events` lists them, newest first, warnings marked.

import { useMemo } from 'react';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { eventTime, type EventView } from '../../main/insight/podView.ts';
import { useNow } from '../hooks/useNow.ts';
import { VirtualTable, type Column } from './VirtualTable.tsx';

interface Props {
  events: EventView[];
  showObject: boolean;
  empty: string;
  /** Present: the OBJECT cell links to the event's object. */
  onOpenObject?: (event: EventView) => void;
}

export function EventsTable({ events, showObject, empty, onOpenObject }: Props) {
  const now = useNow();
  const rows = useMemo(() => [...events].sort((a, b) => Date.parse(eventTime(b) || '0') - Date.parse(eventTime(a) || '0')), [events]);
  const columns: Column<EventView>[] = [
    { key: 'last', title: 'LAST SEEN', width: '90px', render: (e) => ageSince(eventTime(e), now) },
    { key: 'type', title: 'TYPE', width: '80px', render: (e) => <span className={e.type === 'Warning' ? 'tone-bad' : 'tone-muted'}>{e.type}</span> },
    { key: 'reason', title: 'REASON', width: 'minmax(120px, 1fr)', render: (e) => e.reason },
    ...(showObject
      ? [
          {
            key: 'object',
            title: 'OBJECT',
            width: 'minmax(160px, 1.5fr)',
            render: (e: EventView) => {
              const name = `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`;
              if (!onOpenObject || !e.involvedObject?.kind || !e.involvedObject.name) return name;
              return (
                <button className="link" title={`Open ${name}`} onClick={() => onOpenObject(e)}>
                  {name}
                </button>
              );
            },
          },
        ]
      : []),
    { key: 'from', title: 'FROM', width: 'minmax(100px, 1fr)', render: (e) => e.source?.component ?? (e.metadata as { reportingController?: string }).reportingController ?? '' },
    { key: 'count', title: 'COUNT', width: '60px', render: (e) => e.count ?? 1 },
    { key: 'message', title: 'MESSAGE', width: 'minmax(260px, 5fr)', render: (e) => <span title={e.message}>{e.message}</span> },
  ];
  return <VirtualTable label="Events" rows={rows} columns={columns} rowKey={(e) => e.metadata.uid ?? e.metadata.name ?? ''} empty={empty} />;
}
