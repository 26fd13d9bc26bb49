// PersistentVolumeClaims as `kubectl get pvc` prints them, plus why a claim
// is not Bound and which pods use it: a claim nobody mounts keeps its data,
// and a Pending one is usually why a pod waits.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { EventView } from '../../main/insight/podView.ts';
import type { KubeObject } from '../../preload/api.ts';
import { isNotServed } from '../bridge.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { claimChain } from '../storage/claimChain.ts';
import { claimUsers } from '../storage/claimUsers.ts';
import type { ClaimObject, StorageClassObject, VolumeObject } from '../storage/storageObjects.ts';
import { KindCard } from './KindCard.tsx';

export function ClaimsTable({ namespace }: { namespace: string }) {
  const list = useWatch<ClaimObject>({ resource: resources.persistentvolumeclaims, namespace: namespace || undefined });
  const any = list.items.length > 0;
  // The rest is read only to explain the claims there are.
  const volumes = useWatch<VolumeObject>(any ? { resource: resources.persistentvolumes } : undefined);
  const classes = useWatch<StorageClassObject>(any ? { resource: resources.storageclasses } : undefined);
  const pods = useWatch<KubeObject>(any ? { resource: resources.pods, namespace: namespace || undefined } : undefined);
  const events = useWatch<EventView>(any ? { resource: resources.events, namespace: namespace || undefined, fieldSelector: 'involvedObject.kind=PersistentVolumeClaim' } : undefined);
  const now = useNow();
  if (isNotServed(list.error)) return null;
  const users = claimUsers(pods.items);
  const state = { claims: list.items, volumes: volumes.items, classes: classes.synced ? classes.items : undefined, events: events.items };
  return (
    <KindCard
      title="PersistentVolumeClaims"
      table="persistentvolumeclaims"
      count={list.items.length}
      error={list.error}
      empty={<>None{namespace ? ` in ${namespace}` : ''}. A claim asks for storage that outlives pods: try the “A stateful app whose data survives its pod” sample.</>}
    >
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Status</th>
            <th>Volume</th>
            <th>Capacity</th>
            <th>Access modes</th>
            <th>StorageClass</th>
            <th>Used by</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((claim) => {
            const chain = claimChain(claim.metadata.namespace ?? '', claim.metadata.name ?? '', state);
            const usedBy = users.get(`${claim.metadata.namespace}/${claim.metadata.name}`) ?? [];
            return (
              <tr key={claim.metadata.uid} data-name={claim.metadata.name}>
                <td>{claim.metadata.name}</td>
                {!namespace && <td>{claim.metadata.namespace}</td>}
                <td title={chain.problem}>
                  <span className={`status tone-${chain.tone}`}>{chain.phase}</span>
                  {chain.problem && <div className="muted small">{chain.problem}</div>}
                </td>
                <td>
                  {chain.volume?.name ?? ''}
                  {chain.volume && volumes.synced && !chain.volume.found && <span className="tone-bad"> (does not exist)</span>}
                </td>
                <td>{chain.capacity ?? (chain.requested ? <span className="muted">{chain.requested} requested</span> : '')}</td>
                <td>{chain.accessModes}</td>
                <td className={chain.classMissing ? 'tone-bad' : ''}>{chain.storageClass || <span className="muted">&lt;none&gt;</span>}</td>
                <td>{usedBy.length ? usedBy.map((pod) => <span key={pod} className="chip">{pod}</span>) : <span className="muted">no pod</span>}</td>
                <td>{ageSince(claim.metadata.creationTimestamp, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </KindCard>
  );
}
