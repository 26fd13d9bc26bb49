// A pod at a glance: where it runs, its lifecycle so far, its conditions,
// each container's state, last state, exit code, restarts and resources, its
// ports forwarded to this machine, and its volumes down to where a claim's
// data is.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { ContainerStateView, ContainerStatusView, ContainerView, EventView, PodView } from '../../main/insight/podView.ts';
import { useNow } from '../hooks/useNow.ts';
import { UsageChart } from '../metrics/UsageChart.tsx';
import { PodJourney } from './PodJourney.tsx';
import { PortForwardSection } from './PortForwardSection.tsx';
import { Timeline } from './Timeline.tsx';
import { VolumesSection } from './VolumesSection.tsx';

function stateText(state: ContainerStateView | undefined, now: Date): { text: string; tone: string } {
  if (!state) return { text: '—', tone: 'muted' };
  if (state.running) return { text: `Running since ${ageSince(state.running.startedAt, now)} ago`, tone: 'ok' };
  if (state.waiting) return { text: `Waiting: ${state.waiting.reason ?? ''}${state.waiting.message ? ` — ${state.waiting.message}` : ''}`, tone: /BackOff|Err|Error/.test(state.waiting.reason ?? '') ? 'bad' : 'progress' };
  if (state.terminated) {
    const t = state.terminated;
    return { text: `Terminated: ${t.reason ?? ''} (exit code ${t.exitCode ?? '?'}${t.signal ? `, signal ${t.signal}` : ''})${t.finishedAt ? ` ${ageSince(t.finishedAt, now)} ago` : ''}${t.message ? ` — ${t.message}` : ''}`, tone: t.exitCode === 0 ? 'muted' : 'bad' };
  }
  return { text: '—', tone: 'muted' };
}

function resourcesText(c: ContainerView): string {
  const r = c.resources ?? {};
  const part = (label: string, list?: Record<string, string>) => (list && Object.keys(list).length ? `${label} ${Object.entries(list).map(([k, v]) => `${k}=${v}`).join(', ')}` : '');
  return [part('requests', r.requests), part('limits', r.limits)].filter(Boolean).join(' · ') || 'none (BestEffort)';
}

function ContainerCard({ spec, status, init, ephemeral, now }: { spec: ContainerView; status?: ContainerStatusView; init: boolean; ephemeral?: { target?: string }; now: Date }) {
  const state = stateText(status?.state, now);
  const last = status?.lastState && Object.keys(status.lastState).length ? stateText(status.lastState, now) : undefined;
  return (
    <div className="card container-card" data-container={spec.name}>
      <div className="card-title">
        {init ? 'init container ' : ''}
        {ephemeral ? 'ephemeral container ' : ''}
        <b>{spec.name}</b> <span className="muted">{spec.image}</span>
        {ephemeral?.target ? <span className="muted"> — sees the processes of {ephemeral.target}</span> : null}
      </div>
      <dl className="facts">
        <dt>State</dt>
        <dd className={`tone-${state.tone}`}>{state.text}</dd>
        {last && (
          <>
            <dt>Last state</dt>
            <dd className={`tone-${last.tone}`}>{last.text}</dd>
          </>
        )}
        <dt>Ready</dt>
        <dd>{status ? (status.ready ? 'yes' : 'no') : '—'}</dd>
        <dt>Restarts</dt>
        <dd>{status?.restartCount ?? 0}</dd>
        <dt>Resources</dt>
        <dd>{resourcesText(spec)}</dd>
        {spec.ports?.length ? (
          <>
            <dt>Ports</dt>
            <dd>{spec.ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`).join(', ')}</dd>
          </>
        ) : null}
        {spec.command || spec.args ? (
          <>
            <dt>Command</dt>
            <dd>
              <code>{[...(spec.command ?? []), ...(spec.args ?? [])].join(' ')}</code>
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

export function Overview({ pod, events }: { pod: PodView; events: EventView[] }) {
  const now = useNow();
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const find = (name: string) => statuses.find((s) => s.name === name);
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  return (
    <div className="overview">
      <dl className="facts pod-facts">
        <dt>Phase</dt>
        <dd>{pod.status?.phase ?? '—'}</dd>
        <dt>Node</dt>
        <dd>{pod.spec?.nodeName ?? '<none> (not scheduled)'}</dd>
        <dt>Pod IP</dt>
        <dd>{pod.status?.podIP ?? '<none>'}</dd>
        <dt>QoS class</dt>
        <dd>{pod.status?.qosClass ?? '—'}</dd>
        <dt>Created</dt>
        <dd>
          {pod.metadata.creationTimestamp} ({ageSince(pod.metadata.creationTimestamp, now)} ago)
        </dd>
        {owner && (
          <>
            <dt>Controlled by</dt>
            <dd>
              {owner.kind}/{owner.name}
            </dd>
          </>
        )}
        <dt>Labels</dt>
        <dd>
          {Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => (
            <span key={k} className="chip">
              {k}={v}
            </span>
          ))}
        </dd>
        {pod.status?.message && (
          <>
            <dt>Message</dt>
            <dd>{pod.status.message}</dd>
          </>
        )}
      </dl>
      <h3>Usage</h3>
      <UsageChart namespace={pod.metadata.namespace ?? ''} name={pod.metadata.name ?? ''} />
      <PodJourney pod={pod} events={events} />
      <h3>Lifecycle</h3>
      <Timeline pod={pod} events={events} />
      <h3>Conditions</h3>
      <table className="plain">
        <thead>
          <tr>
            <th>Type</th>
            <th>Status</th>
            <th>Reason</th>
            <th>Message</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody>
          {(pod.status?.conditions ?? []).map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td className={c.status === 'True' ? 'tone-ok' : 'tone-warn'}>{c.status}</td>
              <td>{c.reason ?? ''}</td>
              <td>{c.message ?? ''}</td>
              <td>{c.lastTransitionTime ? `${ageSince(c.lastTransitionTime, now)} ago` : ''}</td>
            </tr>
          ))}
          {(pod.status?.conditions ?? []).length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No conditions yet: the scheduler and the kubelet have not reported on this pod.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h3>Containers</h3>
      {(pod.spec?.initContainers ?? []).map((c) => (
        <ContainerCard key={`init-${c.name}`} spec={c} status={find(c.name)} init now={now} />
      ))}
      {(pod.spec?.containers ?? []).map((c) => (
        <ContainerCard key={c.name} spec={c} status={find(c.name)} init={false} now={now} />
      ))}
      {(pod.spec?.ephemeralContainers ?? []).map((c) => (
        <ContainerCard key={`ephemeral-${c.name}`} spec={c} status={pod.status?.ephemeralContainerStatuses?.find((s) => s.name === c.name)} init={false} ephemeral={{ target: c.targetContainerName }} now={now} />
      ))}
      <PortForwardSection pod={pod} />
      <h3>Volumes</h3>
      <VolumesSection pod={pod} />
    </div>
  );
}
