// A workload's pod-template history in ControllerRevisions, as Kubernetes'
// controller history keeps it for DaemonSets and StatefulSets: a revision
// holds a patch that restores the template (what `kubectl rollout undo`
// applies), is named `<owner>-<hash of that patch>` and labelled with the
// hash, and numbered; going back to an earlier template renumbers its
// revision as the newest instead of writing a new one. Revisions beyond
// revisionHistoryLimit that no pod still uses are deleted, oldest first.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { canonicalJson, computeHash } from './hash.ts';
import { newControllerRef, type ControllerKind } from './controllerRef.ts';

export const controllerRevisionHashLabel = 'controller-revision-hash';
export const controllerRevisionsResource = { group: 'apps', version: 'v1', plural: 'controllerrevisions' };

export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}

/** The patch a revision stores: the whole template, replacing whatever is there when applied. */
export function templatePatch(template: unknown): unknown {
  return { spec: { template: { ...(template as object), $patch: 'replace' } } };
}

export function revisionNumber(revision: ControllerRevision): number {
  return revision.revision ?? 0;
}

export interface HistoryOptions {
  client: ResourceClient<ControllerRevision>;
  owner: KubeObject;
  ownerKind: ControllerKind;
  template: unknown;
  /** Revisions the owner already has (from the informer), any order. */
  revisions: ControllerRevision[];
  collisionCount?: number;
}

/** The revision for the owner's current template, created or renumbered as the newest; and every revision after the change. */
export async function currentRevision(options: HistoryOptions): Promise<{ current: ControllerRevision; all: ControllerRevision[] }> {
  const { client, owner, ownerKind, revisions } = options;
  const data = templatePatch(options.template);
  const wanted = canonicalJson(data);
  const newest = Math.max(0, ...revisions.map(revisionNumber));
  const matching = revisions.filter((r) => canonicalJson(r.data) === wanted).sort((a, b) => revisionNumber(b) - revisionNumber(a));
  const existing = matching[0];
  if (existing) {
    if (revisionNumber(existing) === newest) return { current: existing, all: revisions };
    // Back to an earlier template: that revision becomes the newest again.
    const renumbered = await client.update(owner.metadata.namespace, { ...existing, revision: newest + 1 });
    return { current: renumbered, all: revisions.map((r) => (r.metadata.uid === renumbered.metadata.uid ? renumbered : r)) };
  }
  const hash = computeHash(options.template, options.collisionCount);
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...((options.template as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {}), [controllerRevisionHashLabel]: hash },
      ownerReferences: [newControllerRef(owner, ownerKind)],
    },
    data,
    revision: newest + 1,
  };
  try {
    const created = await client.create(owner.metadata.namespace, revision);
    return { current: created, all: [...revisions, created] };
  } catch (err) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
    // Made by an earlier sync whose informer event has not arrived: the same name is the same template.
    const found = await client.get(owner.metadata.namespace, revision.metadata.name ?? '');
    return { current: found, all: [...revisions, found] };
  }
}

/** Deletes the oldest revisions beyond `limit` that are neither current nor used by a live pod (`inUse` holds hashes or revision names). */
export async function truncateHistory(client: ResourceClient<ControllerRevision>, revisions: ControllerRevision[], current: ControllerRevision, hashesInUse: Set<string>, limit: number): Promise<void> {
  const old = revisions
    .filter((r) => r.metadata.name !== current.metadata.name && !hashesInUse.has(r.metadata.labels?.[controllerRevisionHashLabel] ?? '') && !hashesInUse.has(r.metadata.name ?? ''))
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
  for (const revision of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      await client.delete(revision.metadata.namespace, revision.metadata.name ?? '');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
