// Shown while the cluster starts (with its progress), when it failed to
// start, and when Docker does not answer: what happened and what to do.

import { useState } from 'react';
import type { ClusterStatus } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';

export function StartupScreen({ status }: { status: ClusterStatus }) {
  const [error, setError] = useState<string>();
  const restart = async (runtime: 'docker' | 'simulated') => {
    try {
      setError(undefined);
      await requireBridge().call('cluster.switch', { name: status.name, runtime });
    } catch (err) {
      setError(errorInfo(err).message);
    }
  };
  const dockerDown = status.runtime === 'docker' && status.docker.state === 'unreachable';
  return (
    <main className="locked startup" aria-live="polite">
      <h1>PodLab</h1>
      {status.phase === 'starting' || status.phase === 'stopping' ? (
        <>
          <p>
            {status.phase === 'starting' ? 'Starting' : 'Stopping'} cluster <b>{status.name}</b>
            {status.progress ? `: ${status.progress.step}` : '…'}
          </p>
          {status.progress && <progress max={status.progress.total} value={status.progress.done} />}
        </>
      ) : (
        <>
          <p role="alert">
            Cluster <b>{status.name}</b> is {status.phase}.
          </p>
          {status.message && <p>{status.message}</p>}
        </>
      )}
      {dockerDown && status.phase !== 'starting' && (
        <div className="card">
          <p>
            <b>Docker is not answering</b> at <code>{status.docker.endpoint}</code>. {status.docker.message}
          </p>
          {status.canSwitch && (
            <div className="toolbar">
              <button onClick={() => void restart('docker')}>Try Docker again</button>
              <button className="primary" onClick={() => void restart('simulated')}>
                Use the simulated runtime
              </button>
            </div>
          )}
          <p className="muted">The simulated runtime runs no containers: pods go through scheduling and get statuses, but nothing really runs, and there are no logs or shells.</p>
        </div>
      )}
      {error && <p role="alert" className="tone-bad">{error}</p>}
    </main>
  );
}
