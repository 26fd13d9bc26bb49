// The cluster's nodes: readiness, capacity and allocatable, taints.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { NodeView } from '../../main/insight/podView.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';

function readiness(node: NodeView): { text: string; tone: string } {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  const text = node.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
  return { text, tone: base === 'Ready' ? (node.spec?.unschedulable ? 'warn' : 'ok') : 'bad' };
}

function resourceList(list?: Record<string, string>): string {
  return Object.entries(list ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

export function NodesView() {
  const nodes = useWatch<NodeView>({ resource: resources.nodes });
  const now = useNow();
  return (
    <section className="view scroll">
      <header className="view-head">
        <h1>Nodes</h1>
        <span className="count">{nodes.items.length}</span>
      </header>
      {nodes.error && <ErrorBox error={nodes.error} />}
      {nodes.synced && nodes.items.length === 0 && <p className="muted">No nodes have registered yet. Nodes register when their kubelets start; until then pods stay Pending.</p>}
      {nodes.items.map((node) => {
        const state = readiness(node);
        const conditions = node.status?.conditions ?? [];
        return (
          <div className="card" key={node.metadata.uid} data-node={node.metadata.name}>
            <div className="card-title">
              <b>{node.metadata.name}</b> <span className={`status tone-${state.tone}`}>{state.text}</span> <span className="muted">age {ageSince(node.metadata.creationTimestamp, now)}</span>
            </div>
            <dl className="facts">
              <dt>Capacity</dt>
              <dd>{resourceList(node.status?.capacity) || '—'}</dd>
              <dt>Allocatable</dt>
              <dd>{resourceList(node.status?.allocatable) || '—'}</dd>
              <dt>Taints</dt>
              <dd>{node.spec?.taints?.length ? node.spec.taints.map((t) => <span key={`${t.key}:${t.effect}`} className="chip">{`${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`}</span>) : '<none>'}</dd>
              <dt>Addresses</dt>
              <dd>{(node.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`).join(' · ') || '—'}</dd>
              <dt>Conditions</dt>
              <dd>
                {conditions.map((c) => (
                  <span key={c.type} className={`chip ${(c.type === 'Ready') === (c.status === 'True') ? '' : 'chip-bad'}`} title={c.message}>
                    {c.type}={c.status}
                  </span>
                ))}
              </dd>
            </dl>
          </div>
        );
      })}
    </section>
  );
}
