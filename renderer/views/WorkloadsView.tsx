// Deployments and StatefulSets (scale, restart, roll back), DaemonSets,
// Jobs, CronJobs, ReplicaSets, Services with their endpoints, Ingresses, and
// the storage pods claim: PersistentVolumeClaims and PersistentVolumes.

import { useState } from 'react';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { BridgeErrorInfo, KubeObject, ObjectRef, ResourceType } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { ExternalLink } from '../components/ExternalLink.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { serviceLocalUrls } from '../serviceUrls.ts';
import { ClaimsTable } from '../workloads/ClaimsTable.tsx';
import { CronJobsTable } from '../workloads/CronJobsTable.tsx';
import { DaemonSetsTable } from '../workloads/DaemonSetsTable.tsx';
import { IngressesTable } from '../workloads/IngressesTable.tsx';
import { JobsTable } from '../workloads/JobsTable.tsx';
import { PersistentVolumesTable } from '../workloads/PersistentVolumesTable.tsx';
import { DebugButton, RefusedBadge, useRefusedCreates, type RefusedCheck } from '../workloads/RefusedCreates.tsx';
import { RolloutHistory } from '../workloads/RolloutHistory.tsx';

interface Workload extends KubeObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number; currentReplicas?: number };
}

interface Service extends KubeObject {
  spec?: { type?: string; clusterIP?: string; ports?: Array<{ port: number; targetPort?: number | string; protocol?: string; nodePort?: number; name?: string }>; selector?: Record<string, string> };
}

interface Endpoints extends KubeObject {
  subsets?: Array<{ addresses?: Array<{ ip: string; targetRef?: { name?: string } }>; notReadyAddresses?: Array<{ ip: string; targetRef?: { name?: string } }>; ports?: Array<{ port: number }> }>;
}

function selectorText(w: Workload): string {
  return Object.entries(w.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function ScaleControl({ resource, object, onError }: { resource: ResourceType; object: Workload; onError: (e?: BridgeErrorInfo) => void }) {
  const [replicas, setReplicas] = useState(String(object.spec?.replicas ?? 1));
  const scale = async () => {
    try {
      await requireBridge().call('workloads.scale', { resource, namespace: object.metadata.namespace, name: object.metadata.name ?? '', replicas: Number(replicas) });
      onError(undefined);
    } catch (err) {
      onError(errorInfo(err));
    }
  };
  return (
    <span className="inline-form">
      <input type="number" min={0} max={100} value={replicas} onChange={(e) => setReplicas(e.target.value)} aria-label={`Replicas of ${object.metadata.name}`} />
      <button className="small" onClick={() => void scale()}>
        Scale
      </button>
    </span>
  );
}

const kindNames = { deployment: 'Deployment', replicaset: 'ReplicaSet', statefulset: 'StatefulSet' } as const;

interface DebugProps {
  refused: RefusedCheck;
  onDebug?: (ref: ObjectRef) => void;
}

function WorkloadTable({ title, resource, namespace, kind, refused, onDebug }: { title: string; resource: ResourceType; namespace: string; kind: 'deployment' | 'replicaset' | 'statefulset' } & DebugProps) {
  const list = useWatch<Workload>({ resource, namespace: namespace || undefined });
  const now = useNow();
  const [error, setError] = useState<BridgeErrorInfo>();
  const restart = async (w: Workload) => {
    try {
      await requireBridge().call('workloads.restart', { resource, namespace: w.metadata.namespace, name: w.metadata.name ?? '' });
      setError(undefined);
    } catch (err) {
      setError(errorInfo(err));
    }
  };
  return (
    <div className="card" data-table={resource.plural}>
      <div className="card-title">
        <b>{title}</b> <span className="muted">{list.items.length}</span>
      </div>
      {(list.error ?? error) && <ErrorBox error={(list.error ?? error)!} />}
      {list.items.length === 0 ? (
        <p className="muted">None{namespace ? ` in ${namespace}` : ''}.</p>
      ) : (
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              {!namespace && <th>Namespace</th>}
              <th>Ready</th>
              {kind === 'deployment' && <th>Up-to-date</th>}
              {kind === 'deployment' && <th>Available</th>}
              <th>Age</th>
              <th>Selector</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((w) => (
              <tr key={w.metadata.uid} data-name={w.metadata.name}>
                <td>
                  {w.metadata.name}
                  <RefusedBadge message={refused(w, kindNames[kind])} />
                </td>
                {!namespace && <td>{w.metadata.namespace}</td>}
                <td>
                  {w.status?.readyReplicas ?? 0}/{w.spec?.replicas ?? 0}
                </td>
                {kind === 'deployment' && <td>{w.status?.updatedReplicas ?? 0}</td>}
                {kind === 'deployment' && <td>{w.status?.availableReplicas ?? 0}</td>}
                <td>{ageSince(w.metadata.creationTimestamp, now)}</td>
                <td className="muted">{selectorText(w)}</td>
                <td className="actions">
                  {kind !== 'replicaset' || !w.metadata.ownerReferences?.length ? <ScaleControl resource={resource} object={w} onError={setError} /> : <span className="muted">owned by {w.metadata.ownerReferences[0].name}</span>}
                  {kind !== 'replicaset' && (
                    <button className="small" onClick={() => void restart(w)}>
                      Restart
                    </button>
                  )}
                  {kind !== 'replicaset' && <RolloutHistory resource={resource} object={w} onError={setError} />}
                  <DebugButton resource={resource} object={w} onDebug={onDebug} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ServicesTable({ namespace }: { namespace: string }) {
  const services = useWatch<Service>({ resource: resources.services, namespace: namespace || undefined });
  const endpoints = useWatch<Endpoints>({ resource: resources.endpoints, namespace: namespace || undefined });
  const endpointsOf = (s: Service) => endpoints.items.find((e) => e.metadata.namespace === s.metadata.namespace && e.metadata.name === s.metadata.name);
  return (
    <div className="card">
      <div className="card-title">
        <b>Services</b> <span className="muted">{services.items.length}</span>
      </div>
      {services.error && <ErrorBox error={services.error} />}
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Type</th>
            <th>Cluster IP</th>
            <th>Ports</th>
            <th>Endpoints (ready / not ready)</th>
            <th>Open</th>
          </tr>
        </thead>
        <tbody>
          {services.items.map((s) => {
            const ep = endpointsOf(s);
            const ready = (ep?.subsets ?? []).flatMap((sub) => (sub.addresses ?? []).map((a) => `${a.ip}${a.targetRef?.name ? ` (${a.targetRef.name})` : ''}`));
            const notReady = (ep?.subsets ?? []).flatMap((sub) => (sub.notReadyAddresses ?? []).map((a) => `${a.ip}${a.targetRef?.name ? ` (${a.targetRef.name})` : ''}`));
            const urls = serviceLocalUrls(s);
            return (
              <tr key={s.metadata.uid}>
                <td>{s.metadata.name}</td>
                {!namespace && <td>{s.metadata.namespace}</td>}
                <td>{s.spec?.type ?? 'ClusterIP'}</td>
                <td>{s.spec?.clusterIP ?? ''}</td>
                <td>{(s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}→${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`).join(', ')}</td>
                <td>
                  {ready.length ? <span className="tone-ok">{ready.join(', ')}</span> : <span className="muted">none ready</span>}
                  {notReady.length > 0 && <span className="tone-warn"> · {notReady.join(', ')}</span>}
                </td>
                <td className="service-urls">
                  {urls.length ? (
                    urls.map((u) => (
                      <div key={u.url}>
                        <ExternalLink url={u.url} /> <span className="muted">{u.via}</span>
                      </div>
                    ))
                  ) : (
                    <span className="muted">{s.spec?.type === 'LoadBalancer' ? 'pending (see the Service events)' : 'in-cluster only'}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function WorkloadsView({ namespace, onShowPods, onDebug }: { namespace: string; onShowPods?: (selector: string) => void; onDebug?: (ref: ObjectRef) => void }) {
  const refused = useRefusedCreates(namespace);
  const debug = { refused, onDebug };
  return (
    <section className="view scroll">
      <header className="view-head">
        <h1>Workloads</h1>
      </header>
      <WorkloadTable title="Deployments" resource={resources.deployments} namespace={namespace} kind="deployment" {...debug} />
      <WorkloadTable title="StatefulSets" resource={resources.statefulsets} namespace={namespace} kind="statefulset" {...debug} />
      <DaemonSetsTable namespace={namespace} {...debug} />
      <JobsTable namespace={namespace} onShowPods={onShowPods} {...debug} />
      <CronJobsTable namespace={namespace} {...debug} />
      <WorkloadTable title="ReplicaSets" resource={resources.replicasets} namespace={namespace} kind="replicaset" {...debug} />
      <ServicesTable namespace={namespace} />
      <IngressesTable namespace={namespace} />
      <ClaimsTable namespace={namespace} />
      <PersistentVolumesTable namespace={namespace} />
    </section>
  );
}
