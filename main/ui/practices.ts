// What the best-practice advice reads beyond the pod: the object a person
// edits for it (with its replicas and selector) and whether a
// PodDisruptionBudget covers it. Read through the API alone, so it works on
// any cluster.

import type { Finding } from '../../preload/api.ts';
import { mightAdopt } from '../controllers/shared/selectors.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { bestPractices, type PracticeInput } from '../insight/bestPractices.ts';
import type { PodView } from '../insight/podView.ts';
import { ownerResource, templateOwner } from './fixes/templateOwner.ts';

interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
}

export async function podPractices(client: KubeClient, pod: KubeObject): Promise<Finding[]> {
  const namespace = pod.metadata.namespace ?? 'default';
  const owner = await templateOwner(client, pod);
  let practiceOwner: PracticeInput['owner'];
  if (owner.kind !== 'Pod') {
    const object = (await client.resource(ownerResource(owner.kind)!).get(namespace, owner.name)) as KubeObject & { spec?: WorkloadSpec };
    const selector = object.spec?.selector;
    // A PodDisruptionBudget built from matchLabels alone selects the same pods only when there are no expressions.
    const plainSelector = selector?.matchLabels && !selector.matchExpressions?.length ? selector.matchLabels : undefined;
    practiceOwner = { kind: owner.kind, name: owner.name, replicas: object.spec?.replicas, ...(plainSelector && { selector: plainSelector }) };
  }
  const budgets = await client.resource({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' }).list(namespace);
  const disruptionBudget = budgets.items.some((pdb) => mightAdopt((pdb as KubeObject & { spec?: WorkloadSpec }).spec?.selector as never, pod.metadata.labels));
  return bestPractices({ pod: pod as PodView, owner: practiceOwner, disruptionBudget });
}
