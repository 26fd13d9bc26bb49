// Every pod, live: STATUS, READY and RESTARTS computed exactly as kubectl's
// printer does (the API server's own printing code), colored by kind of
// trouble, with CPU and memory from the metrics API, in a virtualized table
// for clusters with thousands of pods.

import { useMemo, useState } from 'react';
import { summarizePod } from '../../main/apiserver/resources/shared/podPrinting.ts';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { NodeView, PodView } from '../../main/insight/podView.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { podHealth, type PodHealth } from '../podHealth.ts';
import { VirtualTable, type Column } from '../components/VirtualTable.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { usePodMetrics } from '../metrics/usePodMetrics.ts';
import { cpuText, memoryText, type PodUsage } from '../metrics/usage.ts';

interface Printed {
  pod: PodView;
  key: string;
  name: string;
  namespace: string;
  ready: string;
  status: string;
  health: PodHealth;
  restartCount: number;
  created: number;
  ip: string;
  node: string;
}

interface Row extends Printed {
  usage?: PodUsage;
}

function printPod(pod: PodView, nodesByName: Map<string, NodeView>): Printed {
  // READY and STATUS do not depend on the time; RESTARTS' "(5m ago)" does and is printed when drawn.
  const printed = summarizePod(pod, new Date());
  return {
    pod,
    key: pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`,
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    ready: printed.ready,
    status: printed.status,
    health: podHealth(pod, printed.status, printed.ready, nodesByName),
    restartCount: Number.parseInt(printed.restarts, 10) || 0,
    created: Date.parse(pod.metadata.creationTimestamp ?? '') || 0,
    ip: pod.status?.podIP ?? '<none>',
    node: pod.spec?.nodeName ?? '<none>',
  };
}

export function PodsView({ namespace, labelSelector, onClearSelector, onOpen }: { namespace: string; labelSelector?: string; onClearSelector: () => void; onOpen: (namespace: string, name: string) => void }) {
  const live = useWatch<PodView>({ resource: resources.pods, namespace: namespace || undefined, labelSelector: labelSelector || undefined });
  // Node readiness colors the rows: a pod on a stopped node still prints Running.
  const nodes = useWatch<NodeView>({ resource: resources.nodes });
  const nodesByName = useMemo(() => new Map(nodes.items.map((n) => [n.metadata.name ?? '', n])), [nodes.items]);
  const now = useNow();
  const [filter, setFilter] = useState('');
  const metrics = usePodMetrics(namespace);
  // What a row shows that only its pod (and the nodes) decide, kept per pod object: a watch batch
  // recomputes the pods it changed, not all of them, and the clock's tick recomputes nothing here.
  const printedByPod = useMemo(() => new WeakMap<PodView, Printed>(), [nodesByName]);
  const rows = useMemo<Row[]>(() => {
    const needle = filter.trim().toLowerCase();
    return live.items
      .filter((p) => !needle || (p.metadata.name ?? '').toLowerCase().includes(needle))
      .map((pod) => {
        let printed = printedByPod.get(pod);
        if (!printed) printedByPod.set(pod, (printed = printPod(pod, nodesByName)));
        return { ...printed, usage: metrics?.byPod.get(`${printed.namespace}/${printed.name}`) };
      });
  }, [live.items, filter, metrics, nodesByName, printedByPod]);

  const columns: Column<Row>[] = [
    { key: 'name', title: 'NAME', width: 'minmax(200px, 3fr)', render: (r) => r.name, sortValue: (r) => r.name },
    ...(namespace ? [] : [{ key: 'namespace', title: 'NAMESPACE', width: 'minmax(110px, 1.2fr)', render: (r: Row) => r.namespace, sortValue: (r: Row) => r.namespace }]),
    { key: 'ready', title: 'READY', width: '70px', render: (r) => r.ready },
    { key: 'status', title: 'STATUS', width: 'minmax(150px, 1.6fr)', render: (r) => <StatusCell status={r.status} health={r.health} />, sortValue: (r) => r.status },
    // The clock moves these two: computed for the rows drawn, at each tick.
    { key: 'restarts', title: 'RESTARTS', width: '120px', render: (r) => (r.restartCount ? summarizePod(r.pod, now).restarts : '0'), sortValue: (r) => r.restartCount },
    { key: 'age', title: 'AGE', width: '70px', render: (r) => ageSince(r.pod.metadata.creationTimestamp, now), sortValue: (r) => -r.created },
    { key: 'ip', title: 'IP', width: '120px', render: (r) => r.ip },
    { key: 'node', title: 'NODE', width: 'minmax(110px, 1.2fr)', render: (r) => r.node, sortValue: (r) => r.node },
    // kubectl top's figures, when the metrics API answers.
    ...(metrics?.available
      ? [
          { key: 'cpu', title: 'CPU', width: '70px', render: (r: Row) => (r.usage ? cpuText(r.usage.cpuMilli) : ''), sortValue: (r: Row) => -(r.usage?.cpuMilli ?? -1) },
          { key: 'memory', title: 'MEMORY', width: '80px', render: (r: Row) => (r.usage ? memoryText(r.usage.memoryBytes) : ''), sortValue: (r: Row) => -(r.usage?.memoryBytes ?? -1) },
        ]
      : []),
  ];

  return (
    <section className="view">
      <header className="view-head">
        <h1>Pods</h1>
        <span className="count">{live.synced ? `${rows.length} of ${live.items.length}` : 'loading…'}</span>
        {labelSelector && (
          <button className="chip" onClick={onClearSelector} title="Show all pods" aria-label={`Clear label filter ${labelSelector}`}>
            Label filter: {labelSelector} ✕
          </button>
        )}
        <input className="filter" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter pods by name" />
      </header>
      {live.error && (
        <ErrorBox
          error={live.error}
          next={live.error.status?.code === 403 ? 'A RoleBinding that grants this right shows the pods: the list retries by itself.' : 'The list retries by itself; if this stays, check that the cluster is running (status bar).'}
        />
      )}
      <VirtualTable
        label="Pods"
        rows={rows}
        columns={columns}
        rowKey={(r) => r.key}
        onRowClick={(r) => onOpen(r.namespace, r.name)}
        empty={live.synced && live.items.length > 0 ? <>No pod name contains “{filter.trim()}”{namespace ? ` in namespace ${namespace}` : ''}.</> : live.synced && labelSelector ? <>No pods with labels {labelSelector}{namespace ? ` in namespace ${namespace}` : ''}: <button className="small" onClick={onClearSelector}>Clear the label filter</button> to see every pod.</> : live.synced ? <>No pods{namespace ? ` in namespace ${namespace}` : ''}. Apply a sample from the <b>Samples</b> view, or run <code>kubectl run web --image=busybox:1.36 -- httpd -f -p 8080</code>.</> : 'Loading…'}
      />
    </section>
  );
}

function StatusCell({ status, health }: { status: string; health: PodHealth }) {
  return (
    <span className={`status tone-${health.tone}`} title={health.note ? `${status}: ${health.note}` : status}>
      {status}
      {health.note && <span className="status-note"> · {health.note}</span>}
    </span>
  );
}
