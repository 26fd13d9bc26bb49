// One object of any kind: the server's columns for it (wide ones included),
// its YAML, its events, its owner and owned objects, editing with a dry-run
// diff first, and deleting with what goes with it said first.

import { useState } from 'react';
import type { EventView } from '../../main/insight/podView.ts';
import type { ApiGroupKinds, ApiKind, KubeObject, ObjectRef } from '../../preload/api.ts';
import { deferred } from '../components/Deferred.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { EventsTable } from '../components/EventsTable.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { DeletePanel } from './DeletePanel.tsx';
import { kindTitle, resolveKind } from './kindTitle.ts';
import type { ResourceLocation } from './location.ts';
import { ObjectYaml } from './ObjectYaml.tsx';
import { Relations } from './Relations.tsx';
import { shownCell, shownColumns } from './tableColumns.ts';
import { useServerTable } from './useServerTable.ts';

const EditPanel = deferred(() => import('./EditPanel.tsx').then((m) => m.EditPanel));

const tabs = ['YAML', 'Events', 'Relations', 'Edit'] as const;
type Tab = (typeof tabs)[number];

interface Props {
  kind: ApiKind;
  groups: ApiGroupKinds[];
  namespace?: string;
  name: string;
  onBack: () => void;
  onOpen: (location: ResourceLocation) => void;
  onOpenPod: (namespace: string, name: string) => void;
}

function ServerFacts({ kind, target }: { kind: ApiKind; target: ObjectRef }) {
  const now = useNow();
  const { table } = useServerTable({ resource: kind.resource, namespace: target.namespace, fieldSelector: `metadata.name=${target.name}` });
  const row = table?.rows.find((r) => r.object.name === target.name);
  if (!table || !row) return null;
  const columns = shownColumns(table.columns, true).filter((c) => c.definition.format !== 'name');
  return (
    <dl className="facts server-facts" aria-label="Columns">
      {columns.map((c) => (
        <div key={c.key} className="fact" data-column={c.key}>
          <dt title={c.definition.description}>{c.title}</dt>
          <dd>{shownCell(c, row.cells, row.object, now)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ObjectDetail({ kind, groups, namespace, name, onBack, onOpen, onOpenPod }: Props) {
  const [tab, setTab] = useState<Tab>('YAML');
  const [deleting, setDeleting] = useState(false);
  const target: ObjectRef = { resource: kind.resource, ...(kind.namespaced && namespace ? { namespace } : {}), name };
  const live = useWatch<KubeObject>({ resource: kind.resource, namespace: target.namespace, fieldSelector: `metadata.name=${name}` });
  const object = live.items[0];
  const uid = object?.metadata.uid;
  const eventsResource = resolveKind(groups, '', 'Event')?.resource;
  const events = useWatch<EventView>(uid && eventsResource ? { resource: eventsResource, namespace: target.namespace, fieldSelector: `involvedObject.uid=${uid}` } : undefined);
  const isPod = kind.resource.group === '' && kind.resource.plural === 'pods';
  const contentGoesWithIt = (kind.resource.group === '' && kind.resource.plural === 'namespaces') || (kind.resource.group === 'apiextensions.k8s.io' && kind.resource.plural === 'customresourcedefinitions');
  const can = (verb: string) => kind.verbs.includes(verb);

  return (
    <section className="object-detail" data-kind={kind.resource.plural} data-name={name}>
      <header className="view-head">
        <button className="back" onClick={onBack} aria-label={`Back to ${kindTitle(kind)}`}>
          ← {kindTitle(kind)}
        </button>
        <h1>
          <span className="muted">{kind.kind} </span>
          {target.namespace && <span className="muted">{target.namespace}/</span>}
          {name}
        </h1>
        {object?.metadata.deletionTimestamp && <span className="chip chip-bad">being deleted</span>}
        <span className="spacer" />
        {isPod && target.namespace && (
          <button onClick={() => onOpenPod(target.namespace!, name)} title="Logs, shell, probes and the debugger">
            Open in Pods
          </button>
        )}
        {object && can('delete') && (
          <button className="danger" onClick={() => setDeleting(true)} disabled={deleting}>
            Delete…
          </button>
        )}
      </header>
      {live.error && <ErrorBox error={live.error} />}
      {deleting && object && (
        <DeletePanel target={target} kind={kind.kind} uid={uid} groups={groups} withPolicy={!contentGoesWithIt} onCancel={() => setDeleting(false)} onDeleted={onBack} />
      )}
      {live.synced && !object && (
        <p className="muted">
          {kind.kind} {name} does not exist (any more){target.namespace ? ` in namespace ${target.namespace}` : ''}.
        </p>
      )}
      {object && (
        <>
          <ServerFacts kind={kind} target={target} />
          <nav className="tabs" role="tablist">
            {tabs
              .filter((t) => t !== 'Edit' || can('update'))
              .map((t) => (
                <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
                  {t}
                  {t === 'Events' && events.items.length > 0 ? ` (${events.items.length})` : ''}
                </button>
              ))}
          </nav>
          <div className="tab-body">
            {tab === 'YAML' && <ObjectYaml target={target} resourceVersion={object.metadata.resourceVersion} />}
            {tab === 'Events' && <EventsTable events={events.items} showObject={false} empty={`No events for this ${kind.kind}.`} />}
            {tab === 'Relations' && <Relations object={object} target={target} onOpen={onOpen} />}
            {tab === 'Edit' && <EditPanel target={target} kind={kind.kind} resourceVersion={object.metadata.resourceVersion} />}
          </div>
        </>
      )}
    </section>
  );
}
