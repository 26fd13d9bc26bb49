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
import { diagnosePod } from '../insight/diagnosePod.ts';
import type { PodView } from '../insight/podView.ts';
import { podServiceAccount } from '../insight/rbacDenied.ts';
import { previewFix } from './fixes/applyFix.ts';
import { chooseContainer, containerStatus } from './podContainers.ts';
import { podPractices } from './practices.ts';
import { podStreamsAvailable } from './podStreams.ts';
import type { ClusterConnection } from './uiHost.ts';

const previousLogLines = 20;
const previousLogTimeoutMs = 3000;

/** Whose log tells why a container stopped: the previous instance after a restart, the current one when it ended without one. */
function finishedInstance(pod: KubeObject, container: string): { previous: boolean } | undefined {
  const status = containerStatus(pod, container);
  if (status?.restartCount) return { previous: true };
  return status?.state?.terminated ? { previous: false } : undefined;
}

async function previousLogs(connection: ClusterConnection, pod: KubeObject): Promise<Record<string, string[]>> {
  const logs: Record<string, string[]> = {};
  if (!podStreamsAvailable(connection.streams)) return logs;
  const namespace = pod.metadata.namespace ?? 'default';
  for (const container of ((pod as PodView).spec?.containers ?? []).map((c) => c.name)) {
    const instance = finishedInstance(pod, container);
    if (!instance) continue;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), previousLogTimeoutMs);
    try {
      let text = '';
      for await (const chunk of connection.streams.logs(namespace, pod.metadata.name ?? '', { container: chooseContainer(pod, container), follow: false, previous: instance.previous, timestamps: false, tailLines: previousLogLines, signal: abort.signal })) text += chunk;
      logs[container] = text.split('\n').filter((line) => line !== '');
    } catch {
      // Without the previous log the other evidence still stands.
    } finally {
      clearTimeout(timer);
    }
  }
  return logs;
}

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
  const [configMaps, claims, storageClasses, services, ingresses, deployments] = await Promise.all([
    list('', 'configmaps'),
    list('', 'persistentvolumeclaims'),
    list('storage.k8s.io', 'storageclasses', undefined),
    list('', 'services'),
    list('networking.k8s.io', 'ingresses'),
    list('apps', 'deployments'),
  ]);
  return { owners, configMaps, claims, storageClasses, services, ingresses, deployments };
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

export async function diagnose(connection: ClusterConnection, namespace: string, name: string, now = new Date()): Promise<Diagnosis> {
  const { client } = connection;
  const pod = await client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, name);
  const [events, nodes, logs, related, probes] = await Promise.all([
    client.resource({ group: '', version: 'v1', plural: 'events' }).list(namespace, { fieldSelector: `involvedObject.uid=${pod.metadata.uid}` }),
    client.resource({ group: '', version: 'v1', plural: 'nodes' }).list(),
    previousLogs(connection, pod),
    relatedObjects(client, pod),
    probeRuns(connection, namespace, name),
  ]);
  const printed = summarizePod(pod, now);
  const findings = diagnosePod(
    { pod: pod as PodView, events: events.items, nodes: nodes.items, previousLogs: logs, related, ...(probes && { probeRuns: probes }), denials: connection.denials?.(podServiceAccount(pod as PodView).user) },
    now,
  );
  return {
    namespace,
    pod: name,
    summary: `${printed.status}, ${printed.ready} ready, restarts ${printed.restarts}`,
    findings: await Promise.all(findings.map((finding) => withAcceptedFixes(connection, namespace, name, finding))),
    advice: await Promise.all((await podPractices(client, pod)).map((finding) => withAcceptedFixes(connection, namespace, name, finding))),
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
