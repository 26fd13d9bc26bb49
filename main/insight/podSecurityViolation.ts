// Refused by Pod Security: the namespace's enforce level, each check the pod
// fails as Kubernetes words it, and for each the exact securityContext (or
// spec) change that passes it, the corrected blocks to paste, and one patch
// for a workload's template. Loosening the namespace's level is offered last,
// as the knowing alternative. The checks are PodLab's copy of Kubernetes'
// (checkRegistry.ts): the memory kept which failed; for a FailedCreate event
// they are run again on the workload's template.

import type { NextCheck, ProposedChange } from '../../preload/api.ts';
import { checkedFields, type CheckedPod } from '../apiserver/admission/podSecurity/checkedFields.ts';
import { failedChecks, type FailedCheck } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import type { Level, LevelVersion } from '../apiserver/admission/podSecurity/policy.ts';
import { admissionKubectl } from './admissionCommands.ts';
import type { PodSecurityCause, Refusal } from './admissionRefusal.ts';
import { isWorkload, refusalEvidence, refusedWrite, type RefusalRule } from './refusalRule.ts';
import { fixPodSecurity, nonRootUid } from './securityContextFix.ts';

function levelVersion(cause: PodSecurityCause): LevelVersion | undefined {
  if (!['baseline', 'restricted', 'privileged'].includes(cause.level)) return undefined;
  const minor = /^v1\.(\d+)$/.exec(cause.version)?.[1];
  return { level: cause.level as Level, version: minor !== undefined ? Number(minor) : 'latest' };
}

/** Kubernetes' words for one check: `reason (detail)`. */
export function checkWords(check: FailedCheck): string {
  return check.detail ? `${check.reason} (${check.detail})` : check.reason;
}

/** The pod the checks read: the memory's, else the template the refused pod was made from. */
function refusedPod(r: Refusal, cause: PodSecurityCause): CheckedPod | undefined {
  if (cause.pod) return cause.pod;
  return r.template ? checkedFields(r.template.metadata, r.template.spec) : undefined;
}

/** The loosest change of level that lets this pod in as it is: baseline if it passes baseline, else privileged. */
function looserLevel(lv: LevelVersion, pod: CheckedPod): Level {
  if (lv.level === 'restricted' && failedChecks({ level: 'baseline', version: lv.version }, pod.metadata, pod.spec).length === 0) return 'baseline';
  return 'privileged';
}

export const podSecurityViolation: RefusalRule = (r) => {
  const cause = r.cause;
  if (cause.stage !== 'podSecurity') return [];
  const lv = levelVersion(cause);
  const pod = refusedPod(r, cause);
  const ns = r.object.namespace;
  const levelName = `${cause.level}:${cause.version}`;
  const label = `pod-security.kubernetes.io/enforce=${cause.level}${cause.version !== 'latest' ? ` (with enforce-version=${cause.version})` : ''}`;
  const checks = cause.checks ?? (lv && pod ? failedChecks(lv, pod.metadata, pod.spec) : []);
  const words = checks.map(checkWords).join(', ');
  const workload = isWorkload(r);
  const target = r.target;
  const where = `${target.kind} ${target.name}${target.podSpecPath ? `'s ${target.podSpecPath.join('.')}` : ''}`;
  let explanation =
    `Namespace "${ns}" enforces the Pod Security level "${cause.level}" (label ${label}). ` +
    (workload
      ? `The ${r.owner?.kind ?? 'controller'} ${r.owner?.name ?? ''} creates the ${target.kind}'s pods and the API server refuses every one (${r.count} time${r.count === 1 ? '' : 's'} so far), so the ${target.kind} runs no pods. The ${target.kind} itself was admitted with a warning: Pod Security refuses pods, not templates. `
      : `The API server checked ${refusedWrite(r)} against it and refused it: nothing was created. `) +
    (checks.length ? `The pod fails ${checks.length} check${checks.length === 1 ? '' : 's'} of "${levelName}".` : '');

  const evidence = [refusalEvidence(r), ...checks.map((c) => ({ label: `Check ${c.id}`, text: checkWords(c) }))];
  // A template re-checked now may no longer be the one refused (changed since, or changed by a mutating webhook).
  if (!cause.checks && checks.length > 0 && words !== cause.detail) evidence.push({ label: 'The template, checked now', text: `fails differently than the refused pod did: ${words}` });

  const changes: ProposedChange[] = [];
  const next: NextCheck[] = [];
  if (lv && pod && checks.length > 0 && target.podSpecPath) {
    const fix = fixPodSecurity(lv, pod, checks, target.podSpecPath);
    for (const f of fix.fixes) if (f.yaml) changes.push({ what: `Passes "${f.check.reason}" (in ${target.kind} ${target.name})`, text: f.yaml });
    changes.push({ what: `The corrected securityContext of the pod and each container: put it in ${where}`, text: fix.corrected });
    const advice = fix.fixes.flatMap((f) => f.advice);
    if (fix.remaining.length === 0) explanation += ` The changes below pass every check (run through Kubernetes' Pod Security checks with the changes made); each one says which check it passes.`;
    else explanation += ` The changes below pass all but ${fix.remaining.map((c) => c.reason).join(', ')}, which no securityContext field fixes: ${advice.join(' ')}`;
    if (workload && fix.remaining.length === 0) {
      next.push({ what: `Make every change in the ${target.kind}'s template at once (a strategic merge patch: containers merge by name); it rolls out pods that pass`, command: admissionKubectl.strategicPatch(target.resource, target.name, target.namespace, fix.patch) });
      if (fix.rootImagePatch) {
        next.push({
          what: `The same with runAsUser: ${nonRootUid}, if the image's USER is root (busybox, nginx and most base images): under runAsNonRoot the kubelet refuses to start a root image ("container has runAsNonRoot and image will run as root")`,
          command: admissionKubectl.strategicPatch(target.resource, target.name, target.namespace, fix.rootImagePatch),
        });
      }
    }
    if (!workload) next.push({ what: 'With the changes in your manifest, ask the API server without creating anything (a server dry run runs admission)', command: admissionKubectl.dryRunApply(`${target.kind.toLowerCase()}.yaml`) });
  } else if (checks.length === 0) {
    explanation += ` It fails: ${cause.detail}`;
  }
  if (workload && r.owner) next.push({ what: `See the ${r.owner.kind}'s refused creates`, command: admissionKubectl.failedCreates(r.owner.kind, r.owner.name, ns) });
  next.push({ what: "See the namespace's Pod Security labels", command: admissionKubectl.namespaceLabels(ns) });
  if (lv && pod) {
    const looser = looserLevel(lv, pod);
    next.push({
      what: `Or, knowingly, loosen the namespace instead: enforce "${looser}" admits this pod as it is, and with it every pod of the namespace that ${cause.level} would refuse${looser === 'privileged' ? ' (privileged checks nothing)' : ''}`,
      command: admissionKubectl.enforceLevel(ns, looser),
    });
  }
  return [
    {
      rule: 'pod-security-violation',
      severity: 'error',
      title: `Refused by Pod Security "${levelName}"`,
      cause: explanation,
      evidence,
      changes,
      next,
    },
  ];
};
