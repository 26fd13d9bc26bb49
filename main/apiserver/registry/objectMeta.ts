// Server-owned metadata, filled the way Kubernetes' rest.BeforeCreate and the
// generic registry fill it.

import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { kubeTimestamp } from '../../kube/time.ts';

// Kubernetes' utilrand alphabet: no vowels (no accidental words) and no easily confused characters.
const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += generateNameAlphabet[randomInt(generateNameAlphabet.length)];
  return suffix;
}

export function fillCreateMetadata(obj: KubeObject, now: Date): void {
  const meta = obj.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = kubeTimestamp(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  delete meta.managedFields;
  if ('spec' in obj) meta.generation = 1;
  else delete meta.generation;
}

/** Metadata the server owns: an update cannot change it. */
export function keepServerMetadata(obj: KubeObject, old: KubeObject): void {
  obj.metadata.uid = old.metadata.uid;
  obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
  obj.metadata.generation = old.metadata.generation;
  if (old.metadata.deletionTimestamp) {
    obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
  }
  delete obj.metadata.managedFields;
  delete obj.metadata.selfLink;
}

/** Everything but metadata and status: a change here is a new generation. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
