// CrashLoopBackOff and containers that keep restarting: the last
// termination's exit code and reason, what the previous instance printed
// last, and whether the kubelet killed it for failing its liveness probe.
// A container running again between restarts still counts while its
// liveness probe fails or its last exit is recent: "Running" then only means
// "not yet killed again".

import type { NextCheck } from '../../preload/api.ts';
import { explainExit } from './exitCodes.ts';
import { kubectlFor } from './kubectlCommands.ts';
import type { Fix } from '../../preload/api.ts';
import { parseQuantity, formatQuantity } from '../kube/quantity.ts';
import { containerSpecFix, workloadName } from './fixBuilders.ts';
import { missingFile, missingFileFix } from './missingFile.ts';
import { missingKeyFix } from './runFailed.ts';
import { livenessBudget, slowStart, startupProbeFix } from './slowStart.ts';
import { probeMismatch, probePathFix, probePortFix } from './probeMismatch.ts';
import { describeProbe } from './probes.ts';
import { allContainerStatuses, containerSpec } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

/** A restart this recent still matters to someone looking at the pod now. */
const RECENT_RESTART_MS = 10 * 60_000;

export const crashLoop: Rule = (input, now) => {
  const { pod, events, previousLogs } = input;
  const ref = podRef(pod);
  return allContainerStatuses(pod).flatMap((status) => {
    const last = status.lastState?.terminated ?? status.state?.terminated;
    const spec = containerSpec(pod, status.name);
    const livenessFailures = eventsWith(events, ['Unhealthy'], /^Liveness probe failed/).filter((e) => !e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${status.name}}`));
    const killedForLiveness = eventsWith(events, ['Killing'], /failed liveness probe/).find((e) => (e.message ?? '').includes(`Container ${status.name} `));
    const restarted = (status.restartCount ?? 0) > 0;
    const recentExit = last?.finishedAt !== undefined && now.getTime() - Date.parse(last.finishedAt) < RECENT_RESTART_MS;
    const restarting =
      status.state?.waiting?.reason === 'CrashLoopBackOff' || (restarted && (!status.state?.running || livenessFailures.length > 0 || killedForLiveness !== undefined || recentExit));
    if (!restarting) return [];
    const logLines = previousLogs[status.name] ?? [];
    const evidence = [{ label: 'Restarts', text: String(status.restartCount ?? 0) }];
    if (last) {
      evidence.push({
        label: 'Last termination',
        text: `exit code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}${last.finishedAt ? ` at ${last.finishedAt}` : ''}${last.message ? `: ${last.message}` : ''}`,
      });
    }
    if (status.state?.waiting?.message) evidence.push({ label: 'Waiting', text: status.state.waiting.message });
    if (logLines.length > 0) evidence.push({ label: 'Last lines of the previous instance', text: logLines.slice(-10).join('\n') });
    if (livenessFailures[0]) evidence.push(eventEvidence(livenessFailures[0]));
    if (killedForLiveness) evidence.push(eventEvidence(killedForLiveness));
    if (spec?.livenessProbe) evidence.push({ label: 'Liveness probe', text: describeProbe(spec.livenessProbe) });
    const memoryLimit = spec?.resources?.limits?.memory;
    if (last?.reason === 'OOMKilled') evidence.push({ label: 'Memory limit', text: memoryLimit ? `${memoryLimit} (the kernel killed the container when its memory reached it)` : 'none on the container: the node itself ran out of memory' });

    const liveness = livenessFailures.length > 0 || killedForLiveness !== undefined;
    const slow = liveness && spec?.livenessProbe && !spec.startupProbe ? slowStart(status, spec.livenessProbe, input.probeRuns) : undefined;
    if (slow) evidence.push({ label: 'Never passed', text: slow.evidence });
    const missing = liveness ? undefined : missingFile(logLines);
    const mismatch = livenessFailures[0] ? probeMismatch(spec?.livenessProbe, spec, (livenessFailures[0].message ?? '').replace(/^Liveness probe failed: ?/, '')) : undefined;
    const cause = slow
      ? `The kubelet kills the container for failing its liveness probe before the probe ever passed: the program is still starting when the probe's budget (${livenessBudget(spec!.livenessProbe!)}s) runs out, so it starts over and never gets there. A slow start needs a startupProbe (or a program that answers sooner), not a longer-lived liveness probe.`
      : liveness
      ? `The container's liveness probe fails, so the kubelet kills and restarts it${last ? ` (last exit code ${last.exitCode})` : ''}. ${mismatch?.cause ?? 'Either the program really hangs, or the probe is wrong (port, path, or too little initialDelaySeconds/timeoutSeconds for the program to answer).'}`
      : `The container keeps stopping: ${explainExit(last?.exitCode, last?.reason)}. The kubelet restarts it after a back-off that doubles with each exit up to a cap (Waiting shows the current one), which is what CrashLoopBackOff means.`;
    const next: NextCheck[] = [
      { what: 'Read what the previous instance printed before it stopped', command: kubectlFor.previousLogs(ref, status.name) },
      { what: 'See the termination and the events', command: kubectlFor.describePod(ref) },
    ];
    if (last?.reason === 'OOMKilled') next.push({ what: 'Compare with what the container uses while it runs', command: `kubectl top pod ${ref.name} -n ${ref.namespace} --containers` });
    if (liveness) next.push({ what: 'Check the probe settings against the port and path the program serves', command: kubectlFor.podYaml(ref) });
    const fixes: Fix[] = [];
    if (slow) fixes.push(startupProbeFix(status.name, spec!.livenessProbe!, slow));
    else if (liveness && spec?.livenessProbe && mismatch?.port !== undefined) fixes.push(probePortFix('livenessProbe', spec.livenessProbe, status.name, mismatch.port));
    else if (liveness && mismatch?.path) fixes.push(probePathFix('livenessProbe', status.name, mismatch.path));
    const oomFix = last?.reason === 'OOMKilled' && memoryLimit ? memoryLimitFix(status.name, memoryLimit) : undefined;
    if (oomFix) fixes.push(oomFix);
    const fileFix = missing && missingFileFix(pod, status.name, missing, `${workloadName(pod, input.related?.owners)}-config`, input.related?.configMaps);
    if (missing) evidence.push({ label: 'Missing file', text: `${missing.path} (${missing.line.trim()})` });
    if (fileFix) fixes.push(fileFix);
    const keyFix = liveness ? undefined : missingKeyFix(pod, status, logLines, input.related?.owners ?? [], input.related?.configMaps ?? []);
    if (keyFix) evidence.push({ label: 'Missing configuration', text: keyFix.evidence });
    if (keyFix?.fix) fixes.push(keyFix.fix);
    const state = status.state?.waiting?.reason ?? (status.state?.running ? `Running again after ${status.restartCount} restart${status.restartCount === 1 ? '' : 's'}` : 'Restarting');
    return [
      {
        rule: slow ? 'liveness-slow-start' : liveness ? 'liveness-failing' : 'crash-loop',
        severity: 'error' as const,
        title: `${state}: container ${status.name} ${slow ? 'is killed by its liveness probe before it ever passes' : liveness ? 'fails its liveness probe' : missing ? `exits: ${missing.path} is missing` : 'keeps exiting'}`,
        cause,
        evidence,
        next,
        ...(fixes.length > 0 && { fixes }),
      },
    ];
  });
};

/** Twice the limit the container hit, requests left as they are (a request above it would be refused, and the dry run says so). */
function memoryLimitFix(container: string, limit: string): Fix | undefined {
  let doubled: string;
  try {
    const quantity = parseQuantity(limit);
    doubled = formatQuantity({ ...quantity, nano: quantity.nano * 2n });
  } catch {
    return undefined;
  }
  return containerSpecFix(
    `Raise the memory limit of ${container} from ${limit} to ${doubled}`,
    `The kernel kills the container when it reaches its limit. Twice the limit gives it room; if it is killed again, the program's memory grows without bound (a leak) or needs still more: compare with kubectl top.`,
    container,
    { resources: { limits: { memory: doubled } } },
  );
}
