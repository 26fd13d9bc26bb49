// A container that ended in failure and will not be restarted: a Job's
// attempt (restartPolicy Never), a pod that ran once. Its last lines say
// why; when they name what is missing (a ConfigMap key behind an
// environment variable), the fix adds it and runs the work again: the Job
// replaced, a bare pod created again.

import type { Finding, Fix, FixChange, NextCheck } from '../../preload/api.ts';
import { explainExit } from './exitCodes.ts';
import { replacePodChange } from './fixBuilders.ts';
import { rerunJobChange } from './jobRerun.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { addKeyChange, missingConfigKey, placeholderValue } from './missingEnv.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { ContainerStatusView, PodView } from './podView.ts';
import { podRef, type Rule } from './rule.ts';

/** What makes the pod run again with the key: the Job replaced, a bare pod created again; a controller's pods restart by themselves. */
function rerunChanges(pod: PodView, owners: KubeObject[]): FixChange[] | undefined {
  const job = rerunJobChange(owners);
  if (job) return [job];
  if (owners.length > 0) return owners[0]?.kind === 'Job' ? undefined : [];
  return [replacePodChange()];
}

export function missingKeyFix(pod: PodView, status: ContainerStatusView, lines: string[], owners: KubeObject[], configMaps: KubeObject[]): { variable: string; fix?: Fix; evidence: string } | undefined {
  const missing = missingConfigKey(pod, status.name, lines, configMaps);
  if (!missing) return undefined;
  const namespace = pod.metadata.namespace ?? 'default';
  const evidence = `${missing.variable} comes from key ${missing.key} of ConfigMap ${missing.configMap}, ${missing.exists ? 'which has no such key' : 'which does not exist'} (the reference is optional, so the container started without it)`;
  const rerun = rerunChanges(pod, owners);
  if (!rerun) return { variable: missing.variable, evidence };
  const job = rerun.find((c) => c.action === 'replace');
  return {
    variable: missing.variable,
    evidence,
    fix: {
      title: `${missing.exists ? 'Add' : 'Create ConfigMap ' + missing.configMap + ' with'} key ${missing.key}${missing.exists ? ` to ConfigMap ${missing.configMap}` : ''}${job ? ' and run the Job again' : ''}`,
      explanation: `The program stops because ${missing.variable} is empty: it reads it from ConfigMap ${missing.configMap}, key ${missing.key}. The value set is a placeholder (${placeholderValue}): put the real one in (kubectl edit configmap ${missing.configMap} -n ${namespace}). ${job ? 'A Job that failed does not run again and its template cannot change, so the Job is replaced (deleted with its pods, created again from the same spec, as kubectl replace --force does) and runs with the key.' : 'The container reads its environment when it starts, so the next start has it.'}`,
      changes: [addKeyChange(missing, namespace, configMaps), ...rerun],
    },
  };
}

export const runFailed: Rule = (input) => {
  const { pod, previousLogs, related } = input;
  // A container the kubelet restarts is the crash-loop rule's.
  if (pod.spec?.restartPolicy !== 'Never' && pod.status?.phase !== 'Failed') return [];
  const ref = podRef(pod);
  return (pod.status?.containerStatuses ?? []).flatMap((status): Finding[] => {
    const ended = status.state?.terminated;
    if (!ended || ended.exitCode === 0 || ended.exitCode === undefined) return [];
    const lines = previousLogs[status.name] ?? [];
    const evidence = [{ label: 'Termination', text: `exit code ${ended.exitCode}${ended.reason ? ` (${ended.reason})` : ''}${ended.finishedAt ? ` at ${ended.finishedAt}` : ''}` }];
    if (lines.length > 0) evidence.push({ label: 'Last lines it printed', text: lines.slice(-10).join('\n') });
    const owners = related?.owners ?? [];
    const found = missingKeyFix(pod, status, lines, owners, related?.configMaps ?? []);
    if (found) evidence.push({ label: 'Missing configuration', text: found.evidence });
    const job = pod.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Job');
    const next: NextCheck[] = [
      { what: 'Read what it printed', command: kubectlFor.logs(ref, status.name) },
      ...(job ? [{ what: 'See the Job\'s attempts and its back-off', command: `kubectl describe job ${job.name} -n ${ref.namespace}` }] : []),
    ];
    return [
      {
        rule: 'run-failed',
        severity: 'error',
        title: `${job ? `Job ${job.name}'s attempt failed` : 'Failed'}: container ${status.name} exited with code ${ended.exitCode}`,
        cause: `${explainExit(ended.exitCode, ended.reason)}. ${found ? `Its log says ${found.variable} is not set: ${found.evidence}.` : 'Its last lines say why.'} ${job ? 'The Job controller starts a new pod for each retry until backoffLimit, then marks the Job Failed.' : 'Its restartPolicy is Never, so it is not started again.'}`,
        evidence,
        next,
        ...(found?.fix && { fixes: [found.fix] }),
      },
    ];
  });
};
