// Jobs: status and completions as kubectl prints them, why a failed Job
// stopped, and suspend/resume.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { isNotServed, requireBridge } from '../bridge.ts';
import { StatusText } from '../components/StatusText.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { KindCard, SuspendToggle } from './KindCard.tsx';
import { jobCompletions, jobDuration, jobProblem, jobStatus, type JobObject } from './jobStatus.ts';
import type { ObjectRef } from '../../preload/api.ts';
import { DebugButton, RefusedBadge, type RefusedCheck } from './RefusedCreates.tsx';

export function JobsTable({ namespace, onShowPods, refused, onDebug }: { namespace: string; onShowPods?: (selector: string) => void; refused?: RefusedCheck; onDebug?: (ref: ObjectRef) => void }) {
  const list = useWatch<JobObject>({ resource: resources.jobs, namespace: namespace || undefined });
  const now = useNow();
  const action = useAction();
  const suspend = (job: JobObject, value: boolean) =>
    action.run(`suspend ${job.metadata.name}`, () => requireBridge().call('workloads.suspend', { resource: resources.jobs, namespace: job.metadata.namespace, name: job.metadata.name ?? '', suspend: value }));
  if (isNotServed(list.error)) return null;
  return (
    <KindCard title="Jobs" table="jobs" count={list.items.length} error={list.error ?? action.error} empty={<>None{namespace ? ` in ${namespace}` : ''}. A Job runs pods until enough of them succeed: try the “Job: compute π” sample.</>}>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Status</th>
            <th>Completions</th>
            <th>Active</th>
            <th>Failed</th>
            <th>Duration</th>
            <th>Age</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((job) => {
            const status = jobStatus(job);
            const problem = jobProblem(job);
            const finished = status === 'Complete' || status === 'Failed';
            return (
              <tr key={job.metadata.uid} data-name={job.metadata.name}>
                <td>
                  {job.metadata.name}
                  <RefusedBadge message={refused?.(job, 'Job')} />
                </td>
                {!namespace && <td>{job.metadata.namespace}</td>}
                <td title={problem}>
                  <StatusText status={status} />
                  {problem && <div className="muted small">{problem}</div>}
                </td>
                <td>{jobCompletions(job)}</td>
                <td>{job.status?.active ?? 0}</td>
                <td>{job.status?.failed ?? 0}</td>
                <td>{jobDuration(job, now)}</td>
                <td>{ageSince(job.metadata.creationTimestamp, now)}</td>
                <td className="actions">
                  {onShowPods && job.metadata.uid && (
                    <button className="small" onClick={() => onShowPods(`batch.kubernetes.io/controller-uid=${job.metadata.uid}`)}>
                      Pods
                    </button>
                  )}
                  {!finished && (
                    <SuspendToggle suspended={!!job.spec?.suspend} busy={!!action.pending} onToggle={(value) => void suspend(job, value)} />
                  )}
                  <DebugButton resource={resources.jobs} object={job} onDebug={onDebug} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </KindCard>
  );
}
