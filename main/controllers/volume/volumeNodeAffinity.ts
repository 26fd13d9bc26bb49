// volumeutil.CheckNodeAffinity: a volume with required node affinity (a local
// or local-path volume) is usable only on the nodes its terms select; the
// terms match as a pod's required node affinity does.

import { RequiredNodeAffinity } from '../../scheduler/nodeSelector.ts';
import type { Node, Pod } from '../../scheduler/types.ts';
import type { PersistentVolume } from './volumeTypes.ts';

export function volumeFitsNode(volume: PersistentVolume, node: { metadata?: { name?: string; labels?: Record<string, string> }; labels?: Record<string, string> }): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  if (!required) return true;
  const asPod = { metadata: {}, spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } } } as unknown as Pod;
  const labels = node.metadata?.labels ?? node.labels ?? {};
  return new RequiredNodeAffinity(asPod).match({ metadata: { name: node.metadata?.name ?? '', labels } } as unknown as Node);
}
