// Reads what the admission rules check refusals against, only as much as
// the refusals at hand need: webhook configurations and, for webhooks behind
// a Service, that namespace's Services, EndpointSlices, pods, Deployments
// and ReplicaSets; policies, bindings and their parameter objects; the
// refused objects' namespaces. A list the user may not read (a cluster that
// is not PodLab's, with narrower rights) stays empty: the rules say what
// they could not check.

import type { KubeObject, ResourceType } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { ParamKind, ParamRef } from '../kube/types/admissionregistration-v1.ts';
import { emptyCluster, findObject, findWebhook, type AdmissionCluster } from '../insight/admissionCluster.ts';
import type { Refusal } from '../insight/admissionRefusal.ts';
import { webhookTarget } from '../insight/webhookTarget.ts';
import type { KindResolver } from './apply/kindResolver.ts';

const admission = (plural: string): ResourceType => ({ group: 'admissionregistration.k8s.io', version: 'v1', plural });
const core = (plural: string): ResourceType => ({ group: '', version: 'v1', plural });

async function listed(client: KubeClient, resource: ResourceType, namespace?: string, kind?: string): Promise<KubeObject[]> {
  try {
    const items = (await client.resource(resource).list(namespace)).items;
    // List items may leave their kind out, as Kubernetes' do.
    return kind ? items.map((item) => ({ ...item, kind: item.kind ?? kind })) : items;
  } catch {
    return [];
  }
}

async function got(client: KubeClient, resource: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.resource(resource).get(namespace, name);
  } catch {
    return undefined;
  }
}

export async function admissionSnapshot(client: KubeClient, kinds: KindResolver, refusals: Refusal[]): Promise<AdmissionCluster> {
  const cluster: AdmissionCluster = { ...emptyCluster };
  const webhooks = refusals.filter((r) => r.cause.stage === 'webhook');
  const policies = refusals.filter((r) => r.cause.stage === 'validatingAdmissionPolicy');
  const namespaces = new Set(refusals.map((r) => r.object.namespace).filter(Boolean));
  if (webhooks.length > 0) {
    const [mutating, validating] = await Promise.all([
      listed(client, admission('mutatingwebhookconfigurations'), undefined, 'MutatingWebhookConfiguration'),
      listed(client, admission('validatingwebhookconfigurations'), undefined, 'ValidatingWebhookConfiguration'),
    ]);
    cluster.webhookConfigurations = [...mutating, ...validating];
    const backends = new Set<string>();
    for (const r of webhooks) {
      if (r.cause.stage !== 'webhook') continue;
      const target = webhookTarget(r.cause, findWebhook(cluster, r.cause.webhook, r.cause.configuration, r.cause.configurationKind));
      if (target?.service) backends.add(target.service.namespace);
    }
    for (const ns of backends) {
      const [services, slices, pods, deployments, replicaSets] = await Promise.all([
        listed(client, core('services'), ns),
        listed(client, { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' }, ns),
        listed(client, core('pods'), ns),
        listed(client, { group: 'apps', version: 'v1', plural: 'deployments' }, ns),
        listed(client, { group: 'apps', version: 'v1', plural: 'replicasets' }, ns),
      ]);
      cluster.services = [...cluster.services, ...services];
      cluster.endpointSlices = [...cluster.endpointSlices, ...slices];
      cluster.pods = [...cluster.pods, ...pods];
      cluster.deployments = [...cluster.deployments, ...deployments];
      cluster.replicaSets = [...cluster.replicaSets, ...replicaSets];
    }
  }
  if (policies.length > 0) {
    [cluster.policies, cluster.bindings] = await Promise.all([listed(client, admission('validatingadmissionpolicies')), listed(client, admission('validatingadmissionpolicybindings'))]);
    for (const r of policies) {
      if (r.cause.stage !== 'validatingAdmissionPolicy') continue;
      const policy = findObject(cluster.policies, undefined, r.cause.policy);
      const binding = findObject(cluster.bindings, undefined, r.cause.binding);
      const paramKind = (policy?.spec as { paramKind?: ParamKind } | undefined)?.paramKind;
      const ref = (binding?.spec as { paramRef?: ParamRef } | undefined)?.paramRef;
      const apiVersion = r.cause.params?.apiVersion ?? paramKind?.apiVersion;
      const kind = r.cause.params?.kind ?? paramKind?.kind;
      const name = r.cause.params?.name ?? ref?.name;
      const info = apiVersion && kind ? kinds.resolve(apiVersion, kind) : undefined;
      if (!info || !name) continue;
      const namespace = info.namespaced ? (r.cause.params?.namespace ?? (ref?.namespace || r.object.namespace)) : undefined;
      const param = await got(client, info.resource, namespace, name);
      if (param) cluster.params = [...cluster.params, { ...param, kind: param.kind ?? kind, apiVersion: param.apiVersion ?? apiVersion }];
    }
  }
  cluster.namespaces = (await Promise.all([...namespaces].map((ns) => got(client, core('namespaces'), undefined, ns)))).filter((n): n is KubeObject => !!n);
  return cluster;
}
