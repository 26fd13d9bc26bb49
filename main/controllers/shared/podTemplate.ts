// controller.GetPodFromTemplate: a pod made from a workload's template
// carries the template's labels, annotations and finalizers, the owner as
// controller, and a name generated from the owner's: `<owner>-<5 chars>`.

import type { OwnerReference } from '../../kube/meta.ts';
import type { Pod, PodTemplateSpec } from './types.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export function podFromTemplate(template: PodTemplateSpec, namespace: string, generateNameFrom: string, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${generateNameFrom}-`,
      namespace,
      ownerReferences: [controllerRef],
    },
    // A template without a spec is refused by validation; an empty one keeps the type honest.
    spec: deepCopy(template.spec ?? { containers: [] }),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
