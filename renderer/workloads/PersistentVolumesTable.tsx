// PersistentVolumes as `kubectl get pv` prints them, plus where each one's
// data is: a Docker volume podlab-<pv> for those the local-path provisioner
// made, the path for hostPath and local ones. Volumes are cluster-wide, so
// the namespace filter narrows them to those claimed from that namespace.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { accessModesAsString, storageClassOf } from '../../main/kube/storage/volumeHelpers.ts';
import { isNotServed } from '../bridge.ts';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { dataLocation } from '../storage/dataLocation.ts';
import type { VolumeObject } from '../storage/storageObjects.ts';
import { KindCard } from './KindCard.tsx';

/** Bound and Available are fine; Released waits for its reclaim, Failed needs someone. */
function volumeTone(phase: string): string {
  if (phase === 'Bound' || phase === 'Available') return 'ok';
  if (phase === 'Failed') return 'bad';
  return 'warn';
}

export function PersistentVolumesTable({ namespace }: { namespace: string }) {
  const list = useWatch<VolumeObject>({ resource: resources.persistentvolumes });
  const runtime = useClusterStatus()?.runtime;
  const now = useNow();
  if (isNotServed(list.error)) return null;
  const shown = namespace ? list.items.filter((pv) => pv.spec?.claimRef?.namespace === namespace) : list.items;
  return (
    <KindCard
      title={namespace ? `PersistentVolumes claimed from ${namespace}` : 'PersistentVolumes'}
      table="persistentvolumes"
      count={shown.length}
      error={list.error}
      empty={<>None{namespace ? ` claimed from ${namespace}` : ''}. The local-path provisioner makes one for each claim of class standard once a pod using it is scheduled.</>}
    >
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            <th>Capacity</th>
            <th>Access modes</th>
            <th>Reclaim policy</th>
            <th>Status</th>
            <th>Claim</th>
            <th>StorageClass</th>
            <th>Data</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((pv) => {
            const phase = pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? 'Pending');
            const ref = pv.spec?.claimRef;
            return (
              <tr key={pv.metadata.uid} data-name={pv.metadata.name}>
                <td>{pv.metadata.name}</td>
                <td>{String(pv.spec?.capacity?.storage ?? '')}</td>
                <td>{accessModesAsString(pv.spec?.accessModes)}</td>
                <td>{pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}</td>
                <td title={pv.status?.message}>
                  <span className={`status tone-${volumeTone(phase)}`}>{phase}</span>
                  {pv.status?.message && <div className="muted small">{pv.status.message}</div>}
                </td>
                <td>{ref?.name ? `${ref.namespace}/${ref.name}` : ''}</td>
                <td>{storageClassOf(pv) || <span className="muted">&lt;none&gt;</span>}</td>
                <td>{dataLocation(pv, runtime).text}</td>
                <td>{ageSince(pv.metadata.creationTimestamp, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </KindCard>
  );
}
