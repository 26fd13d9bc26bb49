// What a delete means for stored data: a claim's volume deleted with it
// (reclaim policy Delete) or kept Released (Retain), the protection
// finalizers that hold a claim in use or a bound volume, and a StatefulSet's
// claims that stay after it (persistentVolumeClaimRetentionPolicy).

import { isApiError, type KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { Entry } from './ownership.ts';

const claims = { group: '', version: 'v1', plural: 'persistentvolumeclaims' };
const volumes = { group: '', version: 'v1', plural: 'persistentvolumes' };
const pods = { group: '', version: 'v1', plural: 'pods' };
/** Beyond this many claims, one line sums them up. */
const namedClaims = 5;

interface Claim extends KubeObject {
  spec?: { volumeName?: string };
  status?: { phase?: string };
}

interface Volume extends KubeObject {
  spec?: { persistentVolumeReclaimPolicy?: string; claimRef?: { namespace?: string; name?: string } };
}

interface StatefulSet extends KubeObject {
  spec?: { volumeClaimTemplates?: Array<{ metadata?: { name?: string } }>; persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string } };
}

const isCore = (entry: { kind: { resource: { group: string; plural: string } } }, plural: string) => entry.kind.resource.group === '' && entry.kind.resource.plural === plural;

async function getOrUndefined(client: KubeClient, resource: typeof claims, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.resource(resource).get(namespace, name);
  } catch (err) {
    if (isApiError(err) && (err.code === 404 || err.code === 403)) return undefined;
    throw err;
  }
}

async function claimVolumes(client: KubeClient, goneClaims: Claim[]): Promise<string[]> {
  const bound = goneClaims.filter((c) => c.spec?.volumeName);
  const found = await Promise.all(bound.map(async (c) => ({ claim: c, volume: (await getOrUndefined(client, volumes, undefined, c.spec!.volumeName!)) as Volume | undefined })));
  const deleted = found.filter((f) => f.volume?.spec?.persistentVolumeReclaimPolicy === 'Delete');
  const kept = found.filter((f) => f.volume && f.volume.spec?.persistentVolumeReclaimPolicy !== 'Delete');
  const claimName = (c: Claim) => `${c.metadata.namespace}/${c.metadata.name}`;
  const notes: string[] = [];
  if (deleted.length > namedClaims) {
    notes.push(`${deleted.length} PersistentVolumes (reclaim policy Delete) are deleted with their claims, and their data with them.`);
  } else {
    for (const { claim, volume } of deleted) notes.push(`PersistentVolume ${volume!.metadata.name} (reclaim policy Delete) is deleted with claim ${claimName(claim)}, and its data with it.`);
  }
  if (kept.length > namedClaims) {
    notes.push(`${kept.length} PersistentVolumes (reclaim policy Retain) stay, Released, with their data.`);
  } else {
    for (const { claim, volume } of kept) {
      notes.push(`PersistentVolume ${volume!.metadata.name} (reclaim policy ${volume!.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}) stays, Released, with the data of claim ${claimName(claim)}.`);
    }
  }
  return notes;
}

async function claimInUse(client: KubeClient, claim: Claim, goingUids: Set<string>): Promise<string[]> {
  const list = await client.resource(pods).list(claim.metadata.namespace);
  const users = list.items.filter(
    (p) =>
      !goingUids.has(p.metadata.uid ?? '') &&
      ((p.spec as { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> } | undefined)?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name),
  );
  if (users.length === 0) return [];
  const names = users.map((p) => p.metadata.name).join(', ');
  return [`Pods ${names} use this claim: kubernetes.io/pvc-protection keeps it (Terminating) until they are gone.`];
}

async function boundVolume(client: KubeClient, volume: Volume): Promise<string[]> {
  const ref = volume.spec?.claimRef;
  if (!ref?.name) return [];
  const claim = await getOrUndefined(client, claims, ref.namespace, ref.name);
  if (!claim) return [];
  return [`It is bound to claim ${ref.namespace}/${ref.name}: kubernetes.io/pv-protection keeps it (Terminating) until that claim is deleted, and the claim is then Lost.`];
}

async function statefulSetClaims(client: KubeClient, set: StatefulSet, goingUids: Set<string>): Promise<string[]> {
  const templates = (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '').filter(Boolean);
  if (templates.length === 0) return [];
  const list = await client.resource(claims).list(set.metadata.namespace);
  const prefixes = templates.map((t) => `${t}-${set.metadata.name}-`);
  const stay = list.items.filter((c) => !goingUids.has(c.metadata.uid ?? '') && prefixes.some((p) => (c.metadata.name ?? '').startsWith(p) && /^\d+$/.test((c.metadata.name ?? '').slice(p.length))));
  if (stay.length === 0) return [];
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
  const names = stay.map((c) => c.metadata.name).join(', ');
  return [`${stay.length} PersistentVolumeClaim${stay.length === 1 ? '' : 's'} of StatefulSet ${set.metadata.name} stay (${names}), with their data: its persistentVolumeClaimRetentionPolicy.whenDeleted is ${policy}.`];
}

/** Notes on volumes for deleting `target` with `going` deleted after it. */
export async function volumeNotes(client: KubeClient, target: Entry, going: Entry[]): Promise<string[]> {
  const all = [target, ...going];
  const goingUids = new Set(all.map((e) => e.object.metadata.uid ?? ''));
  const notes: string[] = [];
  notes.push(...(await claimVolumes(client, all.filter((e) => isCore(e, 'persistentvolumeclaims')).map((e) => e.object as Claim))));
  if (isCore(target, 'persistentvolumeclaims')) notes.push(...(await claimInUse(client, target.object as Claim, goingUids)));
  if (isCore(target, 'persistentvolumes')) notes.push(...(await boundVolume(client, target.object as Volume)));
  for (const e of all) {
    if (e.kind.resource.group === 'apps' && e.kind.resource.plural === 'statefulsets') notes.push(...(await statefulSetClaims(client, e.object as StatefulSet, goingUids)));
  }
  return notes;
}
