// DaemonSets: desired, current, ready, up-to-date and available as kubectl
// prints them, each node with its pod's readiness, restart and history.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { useState } from 'react';
import type { BridgeErrorInfo, KubeObject, ObjectRef } from '../../preload/api.ts';
import { isNotServed, requireBridge } from '../bridge.ts';
import { useAction } from '../hooks/useAction.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { KindCard } from './KindCard.tsx';
import { RolloutHistory } from './RolloutHistory.tsx';
import { DebugButton, RefusedBadge, type RefusedCheck } from './RefusedCreates.tsx';

interface DaemonSetObject extends KubeObject {
  spec?: { template?: { spec?: { nodeSelector?: Record<string, string> } } };
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number; numberMisscheduled?: number };
}

interface PodObject extends KubeObject {
  spec?: { nodeName?: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

function nodeSelectorText(ds: DaemonSetObject): string {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  return Object.keys(selector).length ? Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

function isReady(pod: PodObject): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** One chip a node: the node's name, green when its pod of this DaemonSet is ready. */
function NodePods({ ds, pods }: { ds: DaemonSetObject; pods: PodObject[] }) {
  const own = pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid));
  if (own.length === 0) return <span className="muted">no pods</span>;
  return (
    <>
      {own.map((p) => (
        <span key={p.metadata.uid} className={`chip ${isReady(p) ? 'tone-ok' : 'tone-progress'}`} title={`${p.metadata.name}: ${isReady(p) ? 'ready' : 'not ready'}`}>
          {p.spec?.nodeName ?? 'unscheduled'}
        </span>
      ))}
    </>
  );
}

export function DaemonSetsTable({ namespace, refused, onDebug }: { namespace: string; refused?: RefusedCheck; onDebug?: (ref: ObjectRef) => void }) {
  const list = useWatch<DaemonSetObject>({ resource: resources.daemonsets, namespace: namespace || undefined });
  const pods = useWatch<PodObject>(list.items.length ? { resource: resources.pods, namespace: namespace || undefined } : undefined);
  const now = useNow();
  const action = useAction();
  const [historyError, setHistoryError] = useState<BridgeErrorInfo>();
  const restart = (ds: DaemonSetObject) =>
    action.run(`restart ${ds.metadata.name}`, () => requireBridge().call('workloads.restart', { resource: resources.daemonsets, namespace: ds.metadata.namespace, name: ds.metadata.name ?? '' }));
  if (isNotServed(list.error)) return null;
  return (
    <KindCard title="DaemonSets" table="daemonsets" count={list.items.length} error={list.error ?? action.error ?? historyError} empty={<>None{namespace ? ` in ${namespace}` : ''}. A DaemonSet runs one pod on every node: try the “DaemonSet log collector” sample.</>}>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Desired</th>
            <th>Current</th>
            <th>Ready</th>
            <th>Up-to-date</th>
            <th>Available</th>
            <th>Node selector</th>
            <th>Pods by node</th>
            <th>Age</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((ds) => (
            <tr key={ds.metadata.uid} data-name={ds.metadata.name}>
              <td>
                {ds.metadata.name}
                <RefusedBadge message={refused?.(ds, 'DaemonSet')} />
              </td>
              {!namespace && <td>{ds.metadata.namespace}</td>}
              <td>{ds.status?.desiredNumberScheduled ?? 0}</td>
              <td>{ds.status?.currentNumberScheduled ?? 0}</td>
              <td>{ds.status?.numberReady ?? 0}</td>
              <td>{ds.status?.updatedNumberScheduled ?? 0}</td>
              <td>{ds.status?.numberAvailable ?? 0}</td>
              <td className="muted">{nodeSelectorText(ds)}</td>
              <td>
                <NodePods ds={ds} pods={pods.items} />
              </td>
              <td>{ageSince(ds.metadata.creationTimestamp, now)}</td>
              <td className="actions">
                <button className="small" disabled={!!action.pending} onClick={() => void restart(ds)}>
                  Restart
                </button>
                <RolloutHistory resource={resources.daemonsets} object={ds} onError={setHistoryError} />
                <DebugButton resource={resources.daemonsets} object={ds} onDebug={onDebug} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </KindCard>
  );
}
