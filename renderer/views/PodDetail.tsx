// One pod, live, with everything about it in tabs.

import { useEffect, useState } from 'react';
import { summarizePod } from '../../main/apiserver/resources/shared/podPrinting.ts';
import type { EventView, PodView } from '../../main/insight/podView.ts';
import type { BridgeErrorInfo, Settings } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { deferred } from '../components/Deferred.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { EventsTable } from '../components/EventsTable.tsx';
import { StatusText } from '../components/StatusText.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { Overview } from '../pod/Overview.tsx';
import { ProbesTab } from '../pod/ProbesTab.tsx';
import { resources } from '../resourceTypes.ts';
import { DebuggerPanel } from './DebuggerPanel.tsx';

const LogsTab = deferred(() => import('../pod/LogsTab.tsx').then((m) => m.LogsTab));
const ShellTab = deferred(() => import('../pod/ShellTab.tsx').then((m) => m.ShellTab));
const YamlTab = deferred(() => import('../pod/YamlTab.tsx').then((m) => m.YamlTab));

const tabs = ['Overview', 'Probes', 'Events', 'YAML', 'Logs', 'Shell', 'Debug'] as const;
export type PodTab = (typeof tabs)[number];

/** A deleted pod's banner: what stays shown, and the pod its controller made to replace it. */
function DeletedNotice({ pod, onOpenPod }: { pod: PodView; onOpenPod?: (namespace: string, name: string) => void }) {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  const namespace = pod.metadata.namespace ?? 'default';
  const siblings = useWatch<PodView>(owner ? { resource: resources.pods, namespace } : undefined);
  const replacement = siblings.items
    .filter((p) => p.metadata.uid !== pod.metadata.uid && !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((o) => o.uid === owner?.uid) && (p.metadata.creationTimestamp ?? '') >= (pod.metadata.creationTimestamp ?? ''))
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
  return (
    <p className="banner tone-warn deleted-notice" role="status">
      Pod {pod.metadata.name} was deleted: this is how it was last seen, with the log lines already loaded.{' '}
      {owner ? (
        replacement ? (
          <button className="small" onClick={() => onOpenPod?.(namespace, replacement.metadata.name ?? '')}>
            Open its replacement {replacement.metadata.name}
          </button>
        ) : (
          <span className="muted">Waiting for {owner.kind} {owner.name} to create its replacement…</span>
        )
      ) : (
        <span className="muted">No controller owned it, so nothing replaces it.</span>
      )}
    </p>
  );
}

/** What deleting the pod leads to: a replacement from its controller, or nothing. */
function deleteQuestion(pod: PodView): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (!owner) return `Delete pod ${pod.metadata.name}? No controller owns it: it is gone for good, with its containers and their logs.`;
  if (owner.kind === 'DaemonSet' || owner.kind === 'StatefulSet') return `Delete pod ${pod.metadata.name}? Its ${owner.kind} ${owner.name} creates it again under the same name.`;
  return `Delete pod ${pod.metadata.name}? Its ${owner.kind} ${owner.name} replaces it with a new pod.`;
}

export function PodDetail({ namespace, name, initialTab, settings, onBack, onOpenPod }: { namespace: string; name: string; initialTab?: PodTab; settings: Settings; onBack: () => void; onOpenPod?: (namespace: string, name: string) => void }) {
  const [tab, setTab] = useState<PodTab>(initialTab ?? 'Overview');
  const [actionError, setActionError] = useState<BridgeErrorInfo>();
  const live = useWatch<PodView>({ resource: resources.pods, namespace, fieldSelector: `metadata.name=${name}` });
  // A deleted pod stays on screen as last seen (its loaded log lines with it), marked deleted.
  const [lastSeen, setLastSeen] = useState<PodView>();
  useEffect(() => {
    if (live.items[0]) setLastSeen(live.items[0]);
  }, [live.items]);
  const deleted = live.synced && !live.items[0] && !!lastSeen;
  const pod = live.items[0] ?? (deleted ? lastSeen : undefined);
  const events = useWatch<EventView>(pod?.metadata.uid ? { resource: resources.events, namespace, fieldSelector: `involvedObject.uid=${pod.metadata.uid}` } : undefined);
  const now = useNow();

  const remove = async () => {
    try {
      await requireBridge().call('objects.delete', { resource: resources.pods, namespace, name });
    } catch (err) {
      setActionError(errorInfo(err));
    }
  };

  const printed = pod ? summarizePod(pod, now) : undefined;
  return (
    <section className="view pod-detail">
      <header className="view-head">
        <button className="back" onClick={onBack} aria-label="Back to pods">
          ← Pods
        </button>
        <h1>
          <span className="muted">{namespace}/</span>
          {name}
        </h1>
        {printed && (
          <span className="pod-summary">
            <StatusText status={printed.status} /> · {printed.ready} ready · restarts {printed.restarts}
          </span>
        )}
        <span className="spacer" />
        {pod && !deleted && (
          <ConfirmButton label="Delete" question={deleteQuestion(pod)} confirmLabel={`Delete ${name}`} onConfirm={() => void remove()} />
        )}
      </header>
      {actionError && <ErrorBox error={actionError} />}
      {live.error && <ErrorBox error={live.error} />}
      {live.synced && !pod && <p className="muted">Pod {name} does not exist (any more) in namespace {namespace}.</p>}
      {deleted && lastSeen && <DeletedNotice pod={lastSeen} onOpenPod={onOpenPod} />}
      {pod && (
        <>
          <nav className="tabs" role="tablist">
            {tabs.map((t) => (
              <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
                {t}
                {t === 'Events' && events.items.length > 0 ? ` (${events.items.length})` : ''}
              </button>
            ))}
          </nav>
          <div className="tab-body">
            {tab === 'Overview' && <Overview pod={pod} events={events.items} />}
            {tab === 'Probes' && <ProbesTab pod={pod} events={events.items} />}
            {tab === 'Events' && <EventsTable events={events.items} showObject={false} empty="No events for this pod yet." />}
            {tab === 'YAML' && <YamlTab target={{ resource: resources.pods, namespace, name }} resourceVersion={pod.metadata.resourceVersion} />}
            {tab === 'Logs' && <LogsTab pod={pod} tailLines={settings.logTailLines} defaultTimestamps={settings.logTimestamps} />}
            {tab === 'Shell' && <ShellTab pod={pod} />}
            {tab === 'Debug' && <DebuggerPanel namespace={namespace} name={name} version={`${pod.metadata.resourceVersion}/${events.items.map((e) => e.metadata.resourceVersion).join(',')}`} />}
          </div>
        </>
      )}
    </section>
  );
}
