// A write refused by another admission plugin (ResourceQuota, LimitRanger,
// NamespaceLifecycle...) or a controller's create refused for a reason the
// message gives in its own words: quoted, with where to look for the
// plugins whose objects decide it.

import type { NextCheck } from '../../preload/api.ts';
import { admissionKubectl } from './admissionCommands.ts';
import { isWorkload, refusalEvidence, refusedWrite, type RefusalRule } from './refusalRule.ts';

export const admissionRefused: RefusalRule = (r) => {
  if (r.cause.stage !== 'other') return [];
  const ns = r.object.namespace;
  const next: NextCheck[] = [];
  if (r.plugin === 'ResourceQuota') next.push({ what: "See the namespace's quotas: used against hard", command: `kubectl describe resourcequota -n ${ns}` });
  if (r.plugin === 'LimitRanger') next.push({ what: "See the namespace's LimitRanges: the limits and defaults each container gets", command: `kubectl describe limitrange -n ${ns}` });
  if (r.plugin === 'NamespaceLifecycle') next.push({ what: 'See the namespace and its phase', command: `kubectl get ns ${ns} -o yaml` });
  if (r.owner) next.push({ what: `See the ${r.owner.kind}'s refused creates`, command: admissionKubectl.failedCreates(r.owner.kind, r.owner.name, ns) });
  if (isWorkload(r)) next.push({ what: `See the ${r.target.kind}`, command: admissionKubectl.describe(r.target.resource, r.target.name, ns) });
  const by = r.plugin ? `the ${r.plugin} admission plugin` : 'the API server';
  return [
    {
      rule: 'admission-refused',
      severity: 'error',
      title: r.plugin ? `Refused by ${r.plugin}` : 'Create refused',
      cause: `${by[0]!.toUpperCase()}${by.slice(1)} refused ${refusedWrite(r)}: ${r.message}${/[.!]$/.test(r.message) ? '' : '.'}${isWorkload(r) ? ` Until it is admitted, ${r.target.kind} ${r.target.name} has fewer pods than it asks for.` : ''}`,
      evidence: [refusalEvidence(r)],
      next,
    },
  ];
};
