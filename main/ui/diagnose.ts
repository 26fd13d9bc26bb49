// Gathers what the guided debugger's rules read — the pod, its events, the
// nodes, the last finished instance's log lines, the objects it leans on
// (its controllers, ConfigMaps, claims and classes, Services and Ingresses)
// and the kubelet's kept probe runs — and runs them.

import type { ContainerProbeRuns, Diagnosis, Finding, KubeObject } from '../../preload/api.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import type { RelatedObjects } from '../insight/rule.ts';
import { ownerResource } from './fixes/templateOwner.ts';
import { podProbeHistory } from './probeHistory.ts';
import { summarizePod } from '../apiserver/resources/shared/podPrinting.ts';
import { accessLimited, type RefusedRead } from '../insight/accessLimited.ts';
import { diagnosePod } from '../insight/diagnosePod.ts';
import { parseForbidden } from '../insight/forbiddenText.ts';
import type { EventView, NodeView, PodView } from '../insight/podView.ts';
import { forbiddenStatus, namespaceRights, selfAccessReview } from './accessReviews.ts';
import { previewFix } from './fixes/applyFix.ts';
import { finishedLogs } from './finishedLogs.ts';
import { podPractices } from './practices.ts';
import { serviceAccountDenials } from './serviceAccountDenials.ts';
import type { ClusterConnection } from './uiHost.ts';

/** The objects some rules read (see RelatedObjects); a kind the user may not list, or the server does not serve, counts as none. */
async function relatedObjects(client: KubeClient, pod: KubeObject): Promise<RelatedObjects> {
  const namespace = pod.metadata.namespace ?? 'default';
  const list = (group: string, plural: string, ns: string | undefined = namespace) =>
    client
      .resource({ group, version: 'v1', plural })
      .list(ns)
      .then(
        (l) => l.items,
        (error) => (isApiError(error) && (error.code === 403 || error.code === 404) ? [] : Promise.reject(error)),
      );
  const owners: KubeObject[] = [];
  for (let object: KubeObject = pod; owners.length < 2; ) {
    const ref = object.metadata.ownerReferences?.find((o) => o.controller);
    const resource = ref && ownerResource(ref.kind);
    if (!ref || !resource) break;
    try {
      object = await client.resource(resource).get(namespace, ref.name);
    } catch (error) {
      if (isApiError(error) && (error.code === 403 || error.code === 404)) break;
      throw error;
    }
    owners.push(object);
  }
  // Only what a rule can use for this pod is listed (the Debug tab asks again every few seconds): ConfigMaps for the fixes
  // of a container that failed or waits, claims and StorageClasses for a pod that mounts a claim; Services and
  // Ingresses always (an Ingress may name a Service missing in front of a healthy pod).
  const none = Promise.resolve([] as KubeObject[]);
  const usesClaims = (pod.spec as { volumes?: Array<{ persistentVolumeClaim?: unknown }> } | undefined)?.volumes?.some((v) => v.persistentVolumeClaim) ?? false;
  const [configMaps, claims, storageClasses, services, ingresses] = await Promise.all([
    containersInTrouble(pod) ? list('', 'configmaps') : none,
    usesClaims ? list('', 'persistentvolumeclaims') : none,
    usesClaims ? list('storage.k8s.io', 'storageclasses', undefined) : none,
    list('', 'services'),
    list('networking.k8s.io', 'ingresses'),
  ]);
  return { owners, configMaps, claims, storageClasses, services, ingresses };
}

interface ContainerStateView {
  waiting?: unknown;
  terminated?: { exitCode?: number };
}

/** Whether a container of the pod has failed, restarted or is held waiting: what the ConfigMap fixes are for. */
function containersInTrouble(pod: KubeObject): boolean {
  type Status = { restartCount?: number; state?: ContainerStateView; lastState?: ContainerStateView };
  const status = pod.status as { containerStatuses?: Status[]; initContainerStatuses?: Status[] } | undefined;
  const failed = (state?: ContainerStateView) => state?.waiting !== undefined || (state?.terminated !== undefined && state.terminated.exitCode !== 0);
  return [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].some((c) => (c.restartCount ?? 0) > 0 || failed(c.state) || c.lastState?.terminated !== undefined);
}

async function probeRuns(connection: ClusterConnection, namespace: string, name: string): Promise<ContainerProbeRuns[] | undefined> {
  if (!connection.probes) return undefined;
  try {
    const history = await podProbeHistory(connection.client, connection.probes, namespace, name);
    return history.available ? history.probes : undefined;
  } catch {
    return undefined;
  }
}

/** A read RBAC refused is noted (the debugger goes on without it); any other failure is thrown. */
function noteRefusal(refused: RefusedRead[], purpose: string): (err: unknown) => undefined {
  return (err) => {
    const request = parseForbidden(forbiddenStatus(err)?.message ?? '');
    if (!request) throw err;
    refused.push({ purpose, request });
    return undefined;
  };
}

/** The finding about the connecting user's own refusals, with the authorization API's answers (each left out if it too is refused). */
async function accessFinding(connection: ClusterConnection, namespace: string, refused: RefusedRead[]): Promise<Finding> {
  const reviewed = await Promise.all(refused.map(async (r) => ({ ...r, review: await selfAccessReview(connection.client, r.request).catch(() => undefined) })));
  return accessLimited(reviewed, await namespaceRights(connection.client, namespace).catch(() => undefined));
}

export async function diagnose(connection: ClusterConnection, namespace: string, name: string, now = new Date()): Promise<Diagnosis> {
  const { client } = connection;
  const pod = await client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, name);
  // On a cluster the user does not own, RBAC may refuse some reads: the rules run on what could be read, and a finding says what was not.
  const refused: RefusedRead[] = [];
  const [events, nodes, logs, related, probes] = await Promise.all([
    client
      .resource({ group: '', version: 'v1', plural: 'events' })
      .list(namespace, { fieldSelector: `involvedObject.uid=${pod.metadata.uid}` })
      .then((list) => list.items as EventView[], noteRefusal(refused, 'the pod\'s events')),
    client
      .resource({ group: '', version: 'v1', plural: 'nodes' })
      .list()
      .then((list) => list.items as NodeView[], noteRefusal(refused, 'the nodes (their conditions and taints)')),
    finishedLogs(connection, pod, refused),
    relatedObjects(client, pod),
    probeRuns(connection, namespace, name),
  ]);
  const denials = await serviceAccountDenials(connection, pod, events ?? [], logs, refused, now);
  const printed = summarizePod(pod, now);
  const findings = diagnosePod({ pod: pod as PodView, events: events ?? [], nodes: nodes ?? [], previousLogs: logs, related, ...(probes && { probeRuns: probes }), denials }, now);
  const advice = (await podPractices(client, pod).catch(noteRefusal(refused, 'the pod\'s owner and PodDisruptionBudgets (for the best-practice advice)'))) ?? [];
  if (refused.length > 0) findings.push(await accessFinding(connection, namespace, refused));
  return {
    namespace,
    pod: name,
    summary: `${printed.status}, ${printed.ready} ready, restarts ${printed.restarts}`,
    findings: await Promise.all(findings.map((finding) => withAcceptedFixes(connection, namespace, name, finding))),
    advice: await Promise.all(advice.map((finding) => withAcceptedFixes(connection, namespace, name, finding))),
  };
}

/** Only fixes the API server's dry run accepts are offered: a fix that cannot be applied is no fix. */
async function withAcceptedFixes(connection: ClusterConnection, namespace: string, pod: string, finding: Finding): Promise<Finding> {
  if (!finding.fixes?.length) return finding;
  const accepted = [];
  for (const fix of finding.fixes) {
    try {
      if (!(await previewFix(connection.client, connection.kinds, { namespace, pod, fix })).refused) accepted.push(fix);
    } catch {
      // The objects the fix needs went away meanwhile: offer it no more than a refused one.
    }
  }
  const { fixes: _all, ...rest } = finding;
  return accepted.length ? { ...rest, fixes: accepted } : rest;
}
