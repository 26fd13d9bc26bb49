// Which pods use each claim, for the claims table: a pod's
// persistentVolumeClaim volumes, and its ephemeral volumes, whose claims are
// named <pod>-<volume>. Keyed by namespace/claim.

import { podVolumes, type PodShape } from './podVolumes.ts';

export function claimUsers(pods: Array<PodShape & { metadata: { namespace?: string } }>): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const pod of pods) {
    for (const volume of podVolumes(pod)) {
      if (!volume.claimName) continue;
      const key = `${pod.metadata.namespace ?? ''}/${volume.claimName}`;
      const list = users.get(key) ?? [];
      if (!list.includes(pod.metadata.name ?? '')) list.push(pod.metadata.name ?? '');
      users.set(key, list);
    }
  }
  for (const list of users.values()) list.sort();
  return users;
}
