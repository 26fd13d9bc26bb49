// The shown cluster's nodes: the machines the host runs (polled, since a
// stopped node container has no API object that says so) merged by name with
// the watched Node objects, each with what its pods take.

import { useMemo } from 'react';
import type { NodeView, PodView } from '../../main/insight/podView.ts';
import type { NodeMachine } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useClusterKey, useClusterStatus } from '../hooks/useClusterStatus.ts';
import { useNow } from '../hooks/useNow.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { nodeAllocation, type NodeAllocation } from '../nodeAllocation.ts';
import { resources } from '../resourceTypes.ts';
import { AddNodeForm } from './AddNodeForm.tsx';
import { NodeCard, type NodeRow } from './NodeCard.tsx';

const machinePollMs = 2000;
// The pods `kubectl describe node` counts: bound and not finished.
const activePods = 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** Each node's allocation, from its own pods only (one pass over the pods, not one per node). */
function allocations(nodes: NodeView[], pods: PodView[]): Map<string, NodeAllocation> {
  const podsByNode = new Map<string, PodView[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? '';
    const onNode = podsByNode.get(node);
    if (onNode) onNode.push(pod);
    else podsByNode.set(node, [pod]);
  }
  return new Map(nodes.map((n) => [n.metadata.name ?? '', nodeAllocation(n, podsByNode.get(n.metadata.name ?? '') ?? [])]));
}

function nodeRows(machines: NodeMachine[] | undefined, nodes: NodeView[], allocated: Map<string, NodeAllocation>, pods: PodView[]): NodeRow[] {
  const rows = new Map<string, NodeRow>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    rows.set(name, { name, node, allocation: allocated.get(name), pods: [] });
  }
  for (const machine of machines ?? []) rows.set(machine.name, { pods: [], ...rows.get(machine.name), name: machine.name, machine });
  for (const pod of pods) rows.get(pod.spec?.nodeName ?? '')?.pods.push(pod);
  return [...rows.values()].sort(byName);
}

/** node-N with the first N no node has. */
function freeNodeName(rows: NodeRow[]): string {
  const taken = new Set(rows.map((r) => r.name));
  let n = rows.length + 1;
  while (taken.has(`node-${n}`)) n++;
  return `node-${n}`;
}

/** A cluster PodLab does not run: its Node objects only, and why there are no node actions. */
function ForeignNodeList({ reason }: { reason: string }) {
  const nodes = useWatch<NodeView>({ resource: resources.nodes });
  const pods = useWatch<PodView>({ resource: resources.pods, fieldSelector: activePods });
  const now = useNow();
  const allocated = useMemo(() => allocations(nodes.items, pods.items), [nodes.items, pods.items]);
  const rows = useMemo(() => nodeRows(undefined, nodes.items, allocated, pods.items), [nodes.items, allocated, pods.items]);
  return (
    <>
      <header className="view-head">
        <h2>Nodes</h2>
        <span className="count">{rows.length}</span>
      </header>
      <p className="muted podlab-only-note">Node actions (stop, start, add, remove) are hidden: {reason}.</p>
      {nodes.error && <ErrorBox error={nodes.error} />}
      {pods.error && <ErrorBox error={pods.error} next="The Allocated lines need the pods list." />}
      {rows.map((row) => (
        <NodeCard key={row.name} row={row} machinesKnown={false} now={now} onChanged={() => undefined} />
      ))}
    </>
  );
}

export function NodeList() {
  const foreign = useClusterStatus()?.context;
  return foreign ? <ForeignNodeList reason={foreign.podlabOnly} /> : <PodlabNodeList />;
}

function PodlabNodeList() {
  const clusterKey = useClusterKey();
  const nodes = useWatch<NodeView>({ resource: resources.nodes });
  const pods = useWatch<PodView>({ resource: resources.pods, fieldSelector: activePods });
  const machines = usePolledCall(() => requireBridge().call('nodes.list'), machinePollMs, [clusterKey]);
  const now = useNow();
  // Recomputed when an object changes, not on every tick of the clock or poll of the machines.
  const allocated = useMemo(() => allocations(nodes.items, pods.items), [nodes.items, pods.items]);
  const rows = useMemo(() => nodeRows(machines.value, nodes.items, allocated, pods.items), [machines.value, nodes.items, allocated, pods.items]);
  return (
    <>
      <header className="view-head">
        <h2>Nodes</h2>
        <span className="count">{rows.length}</span>
      </header>
      {nodes.error && <ErrorBox error={nodes.error} />}
      {pods.error && <ErrorBox error={pods.error} next="The Allocated lines need the pods list; they come back when the watch does." />}
      {machines.error && <ErrorBox error={machines.error} next="Stopped nodes and node actions come from the host's node list; the cards show the API's Node objects meanwhile." />}
      {nodes.synced && rows.length === 0 && <p className="muted">No nodes have registered yet. Nodes register when their kubelets start; until then pods stay Pending.</p>}
      {rows.map((row) => (
        <NodeCard key={row.name} row={row} machinesKnown={machines.value !== undefined} now={now} onChanged={machines.refresh} />
      ))}
      <AddNodeForm suggestedName={freeNodeName(rows)} onAdded={machines.refresh} />
    </>
  );
}
