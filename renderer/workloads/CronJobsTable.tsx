// CronJobs: schedule, last schedule and active Jobs as kubectl prints them;
// run one now (`kubectl create job --from=cronjob/NAME`), suspend, resume.

import { useState } from 'react';
import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { KubeObject, ObjectRef } from '../../preload/api.ts';
import { isNotServed, requireBridge } from '../bridge.ts';
import { useAction } from '../hooks/useAction.ts';
import { useNow } from '../hooks/useNow.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resources } from '../resourceTypes.ts';
import { KindCard, SuspendToggle } from './KindCard.tsx';
import { DebugButton, RefusedBadge, type RefusedCheck } from './RefusedCreates.tsx';

interface CronJobObject extends KubeObject {
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean };
  status?: { active?: Array<{ name?: string }>; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

export function CronJobsTable({ namespace, refused, onDebug }: { namespace: string; refused?: RefusedCheck; onDebug?: (ref: ObjectRef) => void }) {
  const list = useWatch<CronJobObject>({ resource: resources.cronjobs, namespace: namespace || undefined });
  const now = useNow();
  const action = useAction();
  const [started, setStarted] = useState<string>();
  const ref = (cj: CronJobObject) => ({ resource: resources.cronjobs, namespace: cj.metadata.namespace, name: cj.metadata.name ?? '' });
  const trigger = (cj: CronJobObject) =>
    action.run(`trigger ${cj.metadata.name}`, async () => {
      const { job } = await requireBridge().call('workloads.trigger', ref(cj));
      setStarted(job);
    });
  const suspend = (cj: CronJobObject, value: boolean) => action.run(`suspend ${cj.metadata.name}`, () => requireBridge().call('workloads.suspend', { ...ref(cj), suspend: value }));
  if (isNotServed(list.error)) return null;
  return (
    <KindCard title="CronJobs" table="cronjobs" count={list.items.length} error={list.error ?? action.error} empty={<>None{namespace ? ` in ${namespace}` : ''}. A CronJob creates a Job on a schedule: try the “CronJob every minute” sample.</>} notice={started && <span className="tone-ok"> · started Job {started}</span>}>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            {!namespace && <th>Namespace</th>}
            <th>Schedule</th>
            <th>Time zone</th>
            <th>Suspend</th>
            <th>Active</th>
            <th>Last schedule</th>
            <th>Last success</th>
            <th>Age</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((cj) => (
            <tr key={cj.metadata.uid} data-name={cj.metadata.name}>
              <td>
                {cj.metadata.name}
                <RefusedBadge message={refused?.(cj, 'CronJob')} />
              </td>
              {!namespace && <td>{cj.metadata.namespace}</td>}
              <td>
                <code>{cj.spec?.schedule}</code>
              </td>
              <td>{cj.spec?.timeZone ?? '<none>'}</td>
              <td>{cj.spec?.suspend ? 'True' : 'False'}</td>
              <td title={(cj.status?.active ?? []).map((a) => a.name).join(', ')}>{cj.status?.active?.length ?? 0}</td>
              <td>{cj.status?.lastScheduleTime ? `${ageSince(cj.status.lastScheduleTime, now)} ago` : '<none>'}</td>
              <td>{cj.status?.lastSuccessfulTime ? `${ageSince(cj.status.lastSuccessfulTime, now)} ago` : '<none>'}</td>
              <td>{ageSince(cj.metadata.creationTimestamp, now)}</td>
              <td className="actions">
                <button className="small" disabled={!!action.pending} onClick={() => void trigger(cj)}>
                  Run now
                </button>
                <SuspendToggle suspended={!!cj.spec?.suspend} busy={!!action.pending} onToggle={(value) => void suspend(cj, value)} />
                <DebugButton resource={resources.cronjobs} object={cj} onDebug={onDebug} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </KindCard>
  );
}
