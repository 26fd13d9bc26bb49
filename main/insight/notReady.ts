// Running but not Ready: the readiness probe fails, so the pod is left out
// of its Services' endpoints and gets no traffic. The kubelet's Unhealthy
// events carry each failure ("Readiness probe failed: ...").

import type { NextCheck } from '../../preload/api.ts';
import { kubectlFor } from './kubectlCommands.ts';
import { probeMismatch, probePathFix, probePortFix } from './probeMismatch.ts';
import { describeProbe } from './probes.ts';
import { containerSpec } from './podView.ts';
import { eventEvidence, eventsWith, podRef, type Rule } from './rule.ts';

export const notReady: Rule = (input) => {
  const { pod, events } = input;
  if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return [];
  const ref = podRef(pod);
  return (pod.status.containerStatuses ?? [])
    .filter((s) => s.state?.running && s.ready === false)
    .map((status) => {
      const container = containerSpec(pod, status.name);
      const probe = container?.readinessProbe;
      const failures = eventsWith(events, ['Unhealthy'], /^Readiness probe failed/).filter((e) => !e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${status.name}}`));
      const evidence = [{ label: `Container ${status.name}`, text: `running, not ready${status.started === false ? ' (startup probe not passed yet)' : ''}` }];
      if (probe) evidence.push({ label: 'Readiness probe', text: describeProbe(probe) });
      if (failures[0]) evidence.push(eventEvidence(failures[0]));
      const next: NextCheck[] = [
        { what: 'See the probe results', command: kubectlFor.describePod(ref) },
        { what: 'See that the pod is missing from its Services\' endpoints', command: kubectlFor.endpoints(ref.namespace) },
        { what: 'Read what the program says', command: kubectlFor.logs(ref, status.name) },
      ];
      const failure = failures[0]?.message?.replace(/^Readiness probe failed: ?/, '') ?? '';
      const mismatch = failures[0] ? probeMismatch(probe, container, failure) : undefined;
      const cause = failures[0]
        ? `The readiness probe fails (${failure || 'no detail'}), so the pod is not Ready and its Services send it no traffic. ${mismatch?.cause ?? "The program runs: check that the probe's port and path match what it serves."}`
        : probe
          ? 'The readiness probe has not succeeded yet, so the pod is not Ready and gets no Service traffic.'
          : 'The container runs but is not ready.';
      const fixes =
        probe && mismatch?.port !== undefined ? [probePortFix('readinessProbe', probe, status.name, mismatch.port)] : mismatch?.path ? [probePathFix('readinessProbe', status.name, mismatch.path)] : undefined;
      return { rule: 'not-ready', severity: 'warning' as const, title: `Not Ready: container ${status.name} fails its readiness probe`, cause, evidence, next, ...(fixes && { fixes }) };
    });
};
