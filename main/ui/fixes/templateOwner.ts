// Whose pod template a pod comes from: its controller, or the Deployment
// above a ReplicaSet and the CronJob above a Job, since those are where a
// person changes the template (a ReplicaSet's template is overwritten by its
// Deployment; a Job's cannot change). A pod no controller owns is its own
// template.

import type { KubeClient } from '../../kube/client/types.ts';
import type { KubeObject, OwnerReference } from '../../kube/meta.ts';

export interface TemplateOwner {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  uid: string;
  /** Where the pod spec sits in the owner (`spec.template.spec`); empty for the pod itself. */
  specPath: string[];
}

const owners: Record<string, { group: string; version: string; plural: string; specPath: string[] }> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', specPath: ['spec', 'template', 'spec'] },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets', specPath: ['spec', 'template', 'spec'] },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', specPath: ['spec', 'template', 'spec'] },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', specPath: ['spec', 'template', 'spec'] },
  ReplicationController: { group: '', version: 'v1', plural: 'replicationcontrollers', specPath: ['spec', 'template', 'spec'] },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', specPath: ['spec', 'template', 'spec'] },
  CronJob: { group: 'batch', version: 'v1', plural: 'cronjobs', specPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

/** The next owner up that edits templates in its place. */
const editedBy: Record<string, string> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

export function ownerResource(kind: string): { group: string; version: string; plural: string } | undefined {
  const owner = owners[kind];
  return owner && { group: owner.group, version: owner.version, plural: owner.plural };
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((o) => o.controller);
}

export async function templateOwner(client: KubeClient, pod: KubeObject): Promise<TemplateOwner> {
  const namespace = pod.metadata.namespace ?? 'default';
  const self: TemplateOwner = { kind: 'Pod', apiVersion: 'v1', namespace, name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', specPath: [] };
  const ref = controllerOf(pod);
  if (!ref || !owners[ref.kind]) return self;
  let owner: TemplateOwner = { kind: ref.kind, apiVersion: ref.apiVersion, namespace, name: ref.name, uid: ref.uid, specPath: owners[ref.kind]!.specPath };
  const upward = editedBy[ref.kind];
  if (upward) {
    const object = await client.resource(ownerResource(ref.kind)!).get(namespace, ref.name);
    const above = controllerOf(object);
    if (above?.kind === upward) owner = { kind: above.kind, apiVersion: above.apiVersion, namespace, name: above.name, uid: above.uid, specPath: owners[upward]!.specPath };
  }
  return owner;
}

/** A controller named directly (a problem on a Deployment that has no pod to start from). */
export async function namedTemplateOwner(client: KubeClient, namespace: string, kind: string, name: string): Promise<TemplateOwner> {
  const owner = owners[kind];
  if (!owner) throw new Error(`${kind} has no pod template PodLab can change`);
  const object = await client.resource(ownerResource(kind)!).get(namespace, name);
  return { kind, apiVersion: object.apiVersion ?? `${owner.group ? `${owner.group}/` : ''}${owner.version}`, namespace, name, uid: object.metadata.uid ?? '', specPath: owner.specPath };
}
