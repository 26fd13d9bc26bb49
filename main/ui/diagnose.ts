// Gathers what the guided debugger's rules read — the pod, its events, the
// nodes, the previous instance's last log lines — and runs them.

import type { Diagnosis, Finding, KubeObject } from '../../preload/api.ts';
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

async function previousLogs(connection: ClusterConnection, pod: KubeObject): Promise<Record<string, string[]>> {
  const logs: Record<string, string[]> = {};
  if (!podStreamsAvailable(connection.streams)) return logs;
  const namespace = pod.metadata.namespace ?? 'default';
  for (const container of ((pod as PodView).spec?.containers ?? []).map((c) => c.name)) {
    if (!containerStatus(pod, container)?.restartCount) continue;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), previousLogTimeoutMs);
    try {
      let text = '';
      for await (const chunk of connection.streams.logs(namespace, pod.metadata.name ?? '', { container: chooseContainer(pod, container), follow: false, previous: true, timestamps: false, tailLines: previousLogLines, signal: abort.signal })) text += chunk;
      logs[container] = text.split('\n').filter((line) => line !== '');
    } catch {
      // Without the previous log the other evidence still stands.
    } finally {
      clearTimeout(timer);
    }
  }
  return logs;
}

export async function diagnose(connection: ClusterConnection, namespace: string, name: string, now = new Date()): Promise<Diagnosis> {
  const { client } = connection;
  const pod = await client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, name);
  const [events, nodes, logs] = await Promise.all([
    client.resource({ group: '', version: 'v1', plural: 'events' }).list(namespace, { fieldSelector: `involvedObject.uid=${pod.metadata.uid}` }),
    client.resource({ group: '', version: 'v1', plural: 'nodes' }).list(),
    previousLogs(connection, pod),
  ]);
  const printed = summarizePod(pod, now);
  const findings = diagnosePod({ pod: pod as PodView, events: events.items, nodes: nodes.items, previousLogs: logs, denials: connection.denials?.(podServiceAccount(pod as PodView).user) }, now);
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
