// The clusters this user has: which one is shown, which run, switching to
// one and deleting one; and the form for a new one. The contexts of the
// user's kubeconfig are listed after PodLab's own clusters: opening one shows
// that cluster through its API (nothing is started, the kubeconfig is not
// changed).

import type { ClusterStatus, ClusterSummary } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';
import { NewClusterForm } from './NewClusterForm.tsx';

const CLUSTER_POLL_MS = 5000;

/** Why a cluster cannot be switched to or deleted from here, if it cannot. */
function blockers(cluster: ClusterSummary, status: ClusterStatus): { switchTo?: string; remove?: string } {
  if (cluster.runsHere) return { remove: 'This PodLab process runs it: stop it first' };
  if (cluster.current)
    return {
      switchTo: 'This is the cluster shown now',
      remove: status.canSwitch ? 'Switch to another cluster first: a running cluster cannot be deleted' : 'podlab serve runs this cluster: it cannot delete it while it runs',
    };
  const elsewhere = cluster.running ? 'Another PodLab process runs it: stop it there first' : undefined;
  return {
    switchTo: elsewhere ?? (status.canSwitch ? undefined : 'podlab serve runs a single cluster: use podlab ui or the desktop app to switch'),
    remove: elsewhere,
  };
}

function ContextRow({ cluster, onChanged }: { cluster: ClusterSummary; onChanged: () => void }) {
  const action = useAction(onChanged);
  const context = cluster.context!;
  const blocked = cluster.current ? 'This is the context shown now' : context.problem;
  return (
    <>
      <tr data-cluster={cluster.name} data-context="true">
        <td title={context.server}>
          <b>{cluster.name}</b> {cluster.current && <span className="chip">current</span>}{' '}
          {context.kubectlCurrent && (
            <span className="chip muted" title="kubectl's current-context in your kubeconfig (PodLab never changes it)">
              kubectl
            </span>
          )}
        </td>
        <td>
          <span className="status cluster-state tone-muted">kubeconfig</span>
        </td>
        <td className="muted">{context.server}</td>
        <td className="muted">namespace {context.namespace}</td>
        <td className="actions">
          <button className="small" disabled={!!blocked || !!action.pending} title={blocked ?? `Open ${cluster.name} with its kubeconfig credentials`} onClick={() => void action.run('open', () => requireBridge().call('cluster.useContext', { context: cluster.name }))}>
            {action.pending === 'open' ? 'Opening…' : 'Open'}
          </button>
        </td>
      </tr>
      {(action.error || context.problem) && (
        <tr>
          <td colSpan={5}>{action.error ? <ErrorBox error={action.error} /> : <span className="muted context-problem">{context.problem}</span>}</td>
        </tr>
      )}
    </>
  );
}

function ClusterRow({ cluster, status, onChanged }: { cluster: ClusterSummary; status: ClusterStatus; onChanged: () => void }) {
  const action = useAction(onChanged);
  const blocked = blockers(cluster, status);
  return (
    <>
      <tr data-cluster={cluster.name}>
        <td title={cluster.dataDir}>
          <b>{cluster.name}</b> {cluster.current && <span className="chip">current</span>}
        </td>
        <td>
          <span className={`status cluster-state tone-${cluster.running ? 'ok' : 'muted'}`}>{cluster.running ? 'running' : 'stopped'}</span>
        </td>
        <td>{cluster.runtime ?? <span className="muted">never started</span>}</td>
        <td className="muted data-dir">{cluster.dataDir}</td>
        <td className="actions">
          <button className="small" disabled={!!blocked.switchTo || !!action.pending} title={blocked.switchTo} onClick={() => void action.run('switch', () => requireBridge().call('cluster.switch', { name: cluster.name }))}>
            {action.pending === 'switch' ? 'Switching…' : 'Switch to'}
          </button>
          <ConfirmButton
            label="Delete"
            question={`Delete cluster ${cluster.name}? This removes its containers and data.`}
            confirmLabel={`Delete ${cluster.name}`}
            busyLabel={action.pending === 'delete' ? 'Deleting…' : undefined}
            disabled={!!blocked.remove || !!action.pending}
            title={blocked.remove ?? 'Remove its containers, volumes, network and data directory'}
            onConfirm={() => void action.run('delete', () => requireBridge().call('cluster.delete', { name: cluster.name }))}
          />
        </td>
      </tr>
      {action.error && (
        <tr>
          <td colSpan={5}>
            <ErrorBox error={action.error} />
          </td>
        </tr>
      )}
    </>
  );
}

export function ClustersCard() {
  const status = useClusterStatus()!;
  // Listed again when the status event says the shown cluster changed (switched, stopped, started),
  // and every few seconds for clusters another PodLab process starts or stops (no event says so).
  const clusters = usePolledCall(() => requireBridge().call('cluster.list'), CLUSTER_POLL_MS, [status.name, status.phase]);
  return (
    <div className="card clusters" aria-label="Clusters">
      <div className="card-title">
        <b>Clusters</b> <span className="muted">{clusters.value?.length ?? ''}</span>
      </div>
      {clusters.error && <ErrorBox error={clusters.error} />}
      {clusters.value && (
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Runtime</th>
              <th>Data directory</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {clusters.value.map((c) =>
              c.context ? <ContextRow key={`context:${c.name}`} cluster={c} onChanged={clusters.refresh} /> : <ClusterRow key={c.name} cluster={c} status={status} onChanged={clusters.refresh} />,
            )}
          </tbody>
        </table>
      )}
      <NewClusterForm status={status} onCreated={clusters.refresh} />
    </div>
  );
}
