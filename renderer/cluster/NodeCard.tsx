// One node: its machine (running or stopped, as the host runs it) and its
// Node object (readiness, capacity, what its pods take), with Stop / Start /
// Remove.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { NodeView, PodView } from '../../main/insight/podView.ts';
import type { NodeMachine } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction, type ActionState } from '../hooks/useAction.ts';
import { allocationText, type NodeAllocation } from '../nodeAllocation.ts';
import { resourceText } from '../quantityText.ts';
import { nodeStopQuestion } from './nodeStopImpact.ts';

export interface NodeRow {
  name: string;
  /** Absent until nodes.list answers, or for a Node no machine of this PodLab backs. */
  machine?: NodeMachine;
  /** Absent until the node's kubelet registers it. */
  node?: NodeView;
  allocation?: NodeAllocation;
  /** The node's bound, unfinished pods. */
  pods: PodView[];
}

function readiness(node: NodeView): { text: string; tone: string } {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  const text = node.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
  return { text, tone: base === 'Ready' ? (node.spec?.unschedulable ? 'warn' : 'ok') : 'bad' };
}

function resourceList(list?: Record<string, string>): string {
  return Object.entries(list ?? {})
    .map(([k, v]) => resourceText(k, v))
    .join(' · ');
}

const stoppedHint = 'Its kubelet no longer heartbeats: the node goes NotReady once the node lifecycle controller notices, and its pods are evicted after their tolerations.';

function NodeActions({ machine, pods, action }: { machine: NodeMachine; pods: PodView[]; action: ActionState }) {
  const bridge = requireBridge();
  const name = machine.name;
  const busy = !!action.pending;
  return (
    <span className="actions node-actions">
      {machine.state === 'running' ? (
        <ConfirmButton
          label="Stop"
          question={nodeStopQuestion('Stop', name, pods)}
          confirmLabel={`Stop ${name}`}
          busyLabel={action.pending === 'stop' ? 'Stopping…' : undefined}
          disabled={busy}
          onConfirm={() => void action.run('stop', () => bridge.call('nodes.stop', { name }))}
        />
      ) : (
        <button className="small" disabled={busy} onClick={() => void action.run('start', () => bridge.call('nodes.start', { name }))}>
          {action.pending === 'start' ? 'Starting…' : 'Start'}
        </button>
      )}
      <ConfirmButton
        label="Remove"
        question={nodeStopQuestion('Remove', name, pods)}
        confirmLabel={`Remove ${name}`}
        busyLabel={action.pending === 'remove' ? 'Removing…' : undefined}
        disabled={busy}
        onConfirm={() => void action.run('remove', () => bridge.call('nodes.remove', { name }))}
      />
    </span>
  );
}

export function NodeCard({ row, machinesKnown, now, onChanged }: { row: NodeRow; machinesKnown: boolean; now: Date; onChanged: () => void }) {
  const { node, machine, allocation } = row;
  const action = useAction(onChanged);
  const state = node && readiness(node);
  const conditions = node?.status?.conditions ?? [];
  return (
    <div className="card node-card" data-node={row.name} data-machine-state={machine?.state}>
      <div className="card-title">
        <b>{row.name}</b>
        {machine?.state === 'stopped' && (
          <span className="status machine-state tone-warn" title={stoppedHint}>
            stopped
          </span>
        )}
        {state ? <span className={`status node-ready tone-${state.tone}`}>{state.text}</span> : <span className="status tone-muted">not registered</span>}
        {machine?.state === 'stopped' && state?.text === 'Ready' && <span className="muted">until the node lifecycle controller misses its heartbeats</span>}
        {machine?.controlPlane && <span className="chip">control-plane</span>}
        {node && <span className="muted">age {ageSince(node.metadata.creationTimestamp, now)}</span>}
        {machine?.container && (
          <span className="muted" title="Docker container">
            {machine.container}
          </span>
        )}
        <span className="spacer" />
        {machine && <NodeActions machine={machine} pods={row.pods} action={action} />}
      </div>
      {action.error && <ErrorBox error={action.error} />}
      {!node && <p className="muted">{machine?.state === 'stopped' ? 'Stopped before its kubelet registered the node.' : 'Its kubelet has not registered the node yet.'}</p>}
      {machinesKnown && !machine && <p className="muted">No node of this PodLab runs it: its Node object stays until it is deleted (kubectl delete node {row.name}).</p>}
      {node && (
        <dl className="facts">
          <dt>Capacity</dt>
          <dd>{resourceList(node.status?.capacity) || '—'}</dd>
          <dt>Allocatable</dt>
          <dd>{resourceList(node.status?.allocatable) || '—'}</dd>
          {allocation && (
            <>
              <dt title="What the node's non-terminated pods request and are limited to, as kubectl describe node shows it">Allocated</dt>
              <dd className="allocated">
                <div className="allocated-requests">requests {allocationText(allocation, 'requests')}</div>
                <div className="allocated-limits muted">limits {allocationText(allocation, 'limits')}</div>
              </dd>
              <dt>Pods</dt>
              <dd className="node-pods">
                {allocation.pods}
                {node.status?.allocatable?.pods ? ` of ${node.status.allocatable.pods}` : ''} non-terminated
                {row.pods.length > 0 && <div className="node-pod-names muted">{row.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(' · ')}</div>}
              </dd>
            </>
          )}
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
      )}
    </div>
  );
}
