// A Job's template cannot change and a Failed Job never runs again: running
// it once more means replacing it, as `kubectl replace --force` does. The
// copy leaves out what the Job controller generated (the selector and the
// controller-uid and job-name labels), which the API server sets anew.

import type { FixChange } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';

const generatedLabels = ['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name'];

type Json = Record<string, unknown>;

function withoutGenerated(labels: unknown): Record<string, string> | undefined {
  if (!labels || typeof labels !== 'object') return undefined;
  const kept = Object.entries(labels as Record<string, string>).filter(([k]) => !generatedLabels.includes(k));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** The Job as a person would create it again. */
export function freshJob(job: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = job.metadata;
  const { selector, manualSelector, template, ...spec } = ((job as Json).spec ?? {}) as Json;
  const { labels: oldTemplateLabels, ...templateMeta } = ((template as Json | undefined)?.metadata ?? {}) as Json;
  const templateLabels = manualSelector ? oldTemplateLabels : withoutGenerated(oldTemplateLabels);
  const jobLabels = withoutGenerated(labels);
  return {
    apiVersion: job.apiVersion ?? 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, ...(jobLabels && { labels: jobLabels }), ...(annotations && { annotations }) },
    spec: {
      ...spec,
      ...(manualSelector === true && { manualSelector, selector }),
      template: { ...(template as Json), metadata: { ...templateMeta, ...(templateLabels ? { labels: templateLabels } : {}) } },
    },
  } as KubeObject;
}

/** Runs the pod's Job again, when the pod has a Job no CronJob owns (a CronJob's next run carries a fix by itself). */
export function rerunJobChange(owners: KubeObject[]): FixChange | undefined {
  const [job, above] = owners;
  if (job?.kind !== 'Job' || above) return undefined;
  return { action: 'replace', object: freshJob(job) };
}
