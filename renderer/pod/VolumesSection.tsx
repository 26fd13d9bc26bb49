// The pod's volumes on its Overview: each one's kind and where containers
// mount it, and for a claim the whole chain — the claim (phase, class,
// capacity, access modes, why it is not Bound), its PersistentVolume
// (reclaim policy) and where the data actually is. The storage objects are
// watched only for a pod that has claims.

import type { EventView, PodView } from '../../main/insight/podView.ts';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { claimChain, type ClaimChain, type StorageState } from '../storage/claimChain.ts';
import { podVolumes, type PodVolume, type VolumeMount } from '../storage/podVolumes.ts';
import type { ClaimObject, StorageClassObject, VolumeObject } from '../storage/storageObjects.ts';

function mountText(m: VolumeMount): string {
  const sub = m.subPath ? ` (subPath ${m.subPath})` : m.subPathExpr ? ` (subPathExpr ${m.subPathExpr})` : '';
  return `${m.init ? 'init container ' : ''}${m.container}: ${m.mountPath}${sub}${m.readOnly ? ', read-only' : ''}`;
}

function ClaimFacts({ chain }: { chain: ClaimChain }) {
  const volume = chain.volume;
  return (
    <dl className="facts claim-chain">
      <dt>Claim</dt>
      <dd>
        {chain.claimName} <span className={`status tone-${chain.tone}`} data-claim-phase={chain.phase}>{chain.phase}</span>
      </dd>
      {chain.problem && (
        <>
          <dt>Why</dt>
          <dd className={`tone-${chain.tone}`} data-testid="claim-problem">
            {chain.problem}
          </dd>
        </>
      )}
      {chain.claim && (
        <>
          <dt>StorageClass</dt>
          <dd className={chain.classMissing ? 'tone-bad' : ''}>{chain.storageClass ? `${chain.storageClass}${chain.classMissing ? ' (does not exist)' : ''}` : '<none>'}</dd>
          <dt>Capacity</dt>
          <dd>{chain.capacity ?? (chain.requested ? `${chain.requested} requested` : '—')}</dd>
          <dt>Access modes</dt>
          <dd>{chain.accessModes || '—'}</dd>
          <dt>Volume</dt>
          <dd>
            {volume ? (
              <>
                {volume.name}
                {volume.found ? <span className="muted"> · {volume.phase ?? 'no phase yet'} · reclaim policy {volume.reclaimPolicy}</span> : <span className="tone-bad"> (does not exist)</span>}
              </>
            ) : (
              <span className="muted">none bound yet</span>
            )}
          </dd>
          {volume?.location && (
            <>
              <dt>Data</dt>
              <dd data-testid="claim-data-location">{volume.location.text}</dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}

function VolumeCard({ volume, chain }: { volume: PodVolume; chain?: ClaimChain }) {
  return (
    // A claim that is not Bound outlines its card, so the reason a pod waits stands out.
    <div className={`card volume-card${chain && chain.tone !== 'ok' ? ` volume-${chain.tone}` : ''}`} data-volume={volume.name}>
      <div className="card-title">
        <b>{volume.name}</b> <span className="chip">{volume.kind}</span> {volume.detail && <span className="muted">{volume.detail}</span>}
      </div>
      <dl className="facts">
        <dt>Mounted at</dt>
        <dd>{volume.mounts.length ? volume.mounts.map((m) => <div key={`${m.container}:${m.mountPath}`}>{mountText(m)}</div>) : <span className="muted">not mounted by any container</span>}</dd>
      </dl>
      {chain && <ClaimFacts chain={chain} />}
    </div>
  );
}

export function VolumesSection({ pod }: { pod: PodView }) {
  const volumes = podVolumes(pod);
  const namespace = pod.metadata.namespace ?? '';
  const hasClaims = volumes.some((v) => v.claimName);
  const claims = useWatch<ClaimObject>(hasClaims ? { resource: resources.persistentvolumeclaims, namespace } : undefined);
  const pvs = useWatch<VolumeObject>(hasClaims ? { resource: resources.persistentvolumes } : undefined);
  const classes = useWatch<StorageClassObject>(hasClaims ? { resource: resources.storageclasses } : undefined);
  // The pod's own events do not say why its claim waits; the PV controller's events on the claim do.
  const claimEvents = useWatch<EventView>(hasClaims ? { resource: resources.events, namespace, fieldSelector: 'involvedObject.kind=PersistentVolumeClaim' } : undefined);
  const runtime = useClusterStatus()?.runtime;
  if (volumes.length === 0) return <p className="muted">No volumes.</p>;
  const state: StorageState = { claims: claims.items, volumes: pvs.items, classes: classes.synced ? classes.items : undefined, events: claimEvents.items, runtime };
  return (
    <>
      {volumes.map((v) => (
        // A claim's absence means something only once the claims are listed.
        <VolumeCard key={v.name} volume={v} chain={v.claimName && claims.synced && pvs.synced ? claimChain(namespace, v.claimName, state) : undefined} />
      ))}
    </>
  );
}
