// Did the fix work? The pod to look at is the one the fix reached: the same
// pod for a new ConfigMap (the kubelet retries by itself), the replacement
// for a pod recreated with the change, and the controller's newest pod for a
// changed template (the old failing pod goes with the rollout). It worked
// once that pod is Ready (a Job's pod: Succeeded; an Ingress's backend: a
// ready endpoint of the Service the Ingress routes to) and the finding is
// gone; it failed when the same finding shows on it.

import type { FixCheck, FixCheckRequest } from '../../../preload/api.ts';
import { ApiError, type KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { ingressBackends } from '../../insight/ingressBackend.ts';
import { recordFixEvent } from './fixEvents.ts';

const podResource = { group: '', version: 'v1', plural: 'pods' };

export type Diagnoser = (namespace: string, name: string) => Promise<{ findings: { rule: string; title: string; severity: string }[] }>;

/** A Job's pod is healthy once it has succeeded (it is never Ready for long); any other pod once it is Ready. */
function health(pod: KubeObject): { healthy: boolean; job: boolean } {
  const status = (pod as { status?: { conditions?: { type: string; status: string }[]; phase?: string } }).status;
  const job = pod.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'Job') === true;
  if (job) return { healthy: status?.phase === 'Succeeded', job };
  return { healthy: status?.phase === 'Succeeded' || status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true, job };
}

/** For an Ingress's backend: whether a Service some Ingress in the namespace routes to lists the pod as a ready endpoint. */
async function servedByIngress(client: KubeClient, pod: KubeObject): Promise<boolean> {
  const namespace = pod.metadata.namespace;
  const [ingresses, endpoints] = await Promise.all([
    client.resource({ group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' }).list(namespace),
    client.resource({ group: '', version: 'v1', plural: 'endpoints' }).list(namespace),
  ]);
  const backends = new Set(ingresses.items.flatMap((i) => ingressBackends(i).map((b) => b.name)));
  type Subsets = { subsets?: { addresses?: { targetRef?: { uid?: string; name?: string } }[] }[] };
  return endpoints.items.some(
    (e) => backends.has(e.metadata.name ?? '') && ((e as Subsets).subsets ?? []).some((s) => (s.addresses ?? []).some((a) => a.targetRef?.uid === pod.metadata.uid || a.targetRef?.name === pod.metadata.name)),
  );
}

/** The newest pod whose controller chain leads to `ownerUid`, created at or after `since`. */
async function newestPodOf(client: KubeClient, namespace: string, ownerUid: string, since: number): Promise<KubeObject | undefined> {
  const [pods, replicaSets] = await Promise.all([
    client.resource(podResource).list(namespace),
    client.resource({ group: 'apps', version: 'v1', plural: 'replicasets' }).list(namespace),
  ]);
  // A pod's ReplicaSet is the Deployment's: one level of indirection is all a template owner adds.
  const parentOf = new Map(replicaSets.items.map((rs) => [rs.metadata.uid ?? '', rs.metadata.ownerReferences?.find((o) => o.controller)?.uid]));
  const ours = pods.items.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const controller = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
    return controller !== undefined && (controller === ownerUid || parentOf.get(controller) === ownerUid) && Date.parse(pod.metadata.creationTimestamp ?? '') >= since;
  });
  return ours.sort((a, b) => Date.parse(b.metadata.creationTimestamp ?? '') - Date.parse(a.metadata.creationTimestamp ?? ''))[0];
}

/** Fixes already reported as working, so polling records FixVerified once. */
const verified = new Set<string>();

export async function checkFix(client: KubeClient, diagnose: Diagnoser, request: FixCheckRequest): Promise<FixCheck> {
  const { namespace } = request;
  // creationTimestamp has whole seconds: a pod created in the second of the fix counts.
  const since = Math.floor(Date.parse(request.appliedAt) / 1000) * 1000;
  let pod: KubeObject | undefined;
  try {
    pod = await client.resource(podResource).get(namespace, request.pod);
  } catch (error) {
    if (!(error instanceof ApiError && error.reason === 'NotFound')) throw error;
  }
  // A changed template replaces the pod: look at the controller's new one.
  if (request.ownerUid && (!pod || pod.metadata.deletionTimestamp || Date.parse(pod.metadata.creationTimestamp ?? '') < since)) pod = await newestPodOf(client, namespace, request.ownerUid, since);
  else if (pod?.metadata.deletionTimestamp) pod = undefined;
  if (!pod) return { state: 'waiting', message: 'Waiting for the pod that carries the fix to be created.' };
  const name = pod.metadata.name ?? '';
  const findings = (await diagnose(namespace, name)).findings;
  const same = findings.find((f) => f.rule === request.rule);
  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  const key = `${namespace}/${name}/${request.rule}/${request.appliedAt}`;
  const { healthy, job } = health(pod);
  if (healthy && !findings.some((f) => f.severity === 'error') && request.rule === 'ingress-backend' && !(await servedByIngress(client, pod))) {
    return { state: 'waiting', pod: name, message: `Waiting for the Ingress's Service to list pod ${name} as a ready endpoint.` };
  }
  if (healthy && !findings.some((f) => f.severity === 'error')) {
    if (!verified.has(key)) {
      // Bounded: only the checks of the last few fixes are still polling.
      if (verified.size >= 1000) verified.clear();
      verified.add(key);
      await recordFixEvent(client, namespace, name, 'FixVerified', `The debugger's fix "${request.title}" worked: the pod ${job ? 'succeeded' : 'is Ready'} and "${request.rule}" is gone`);
    }
    const served = request.rule === 'ingress-backend' ? ', the Ingress\'s Service sends it traffic' : '';
    return { state: 'fixed', pod: name, message: `Fixed: pod ${name} ${job ? 'completed (Succeeded)' : 'is Ready'}${served} and the debugger finds nothing wrong with it.` };
  }
  // An old pod still showing the finding right after a create fix is the kubelet's retry still to come, not a failure.
  if (same && created >= since) return { state: 'failing', pod: name, message: `Not fixed yet: pod ${name}, which carries the fix, still shows "${same.title}".` };
  const other = findings.find((f) => f.severity === 'error');
  if (other && other.rule !== request.rule && created >= since) return { state: 'failing', pod: name, message: `The fix cleared "${request.rule}", but pod ${name} now shows "${other.title}".` };
  return { state: 'waiting', pod: name, message: `Waiting for pod ${name} to ${job ? 'complete' : 'be Ready'}.` };
}
