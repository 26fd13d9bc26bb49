// The UI's preferences and the app's own settings, stored by the main side;
// where PodLab keeps its data; registry logins for image pulls.

import { useState } from 'react';
import type { BridgeErrorInfo, Settings } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { CommitInput } from '../components/CommitInput.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';
import { RegistryCredentials } from '../settings/RegistryCredentials.tsx';

export function SettingsView({ settings, onChange }: { settings: Settings; onChange: (settings: Settings) => void }) {
  const [error, setError] = useState<BridgeErrorInfo>();
  const status = useClusterStatus();
  const update = async (change: Partial<Settings>): Promise<boolean> => {
    try {
      onChange(await requireBridge().call('settings.update', change));
      setError(undefined);
      return true;
    } catch (err) {
      setError(errorInfo(err));
      return false;
    }
  };
  return (
    <section className="view scroll">
      <header className="view-head">
        <h1>Settings</h1>
      </header>
      {error && <ErrorBox error={error} />}
      <div className="card settings">
        <label>
          Theme{' '}
          <select value={settings.theme} onChange={(e) => void update({ theme: e.target.value as Settings['theme'] })}>
            <option value="dark">Dark</option>
            <option value="light">Light</option>
          </select>
        </label>
        <label>
          Log lines loaded before following{' '}
          <input type="number" min={0} max={100000} value={settings.logTailLines} onChange={(e) => void update({ logTailLines: Number(e.target.value) })} />
        </label>
        <label>
          <input type="checkbox" checked={settings.logTimestamps} onChange={(e) => void update({ logTimestamps: e.target.checked })} /> Show log timestamps by default
        </label>
        <label>
          Namespace shown at start{' '}
          <input value={settings.defaultNamespace} placeholder="all namespaces" onChange={(e) => void update({ defaultNamespace: e.target.value })} />
        </label>
      </div>
      <div className="card settings" aria-label="Cluster start">
        <div className="card-title">
          <b>Cluster start</b> <span className="muted">applies at the next cluster start from the app</span>
        </div>
        <label>
          Docker endpoint <CommitInput value={settings.dockerEndpoint} onCommit={(v) => update({ dockerEndpoint: v })} placeholder="DOCKER_HOST, else the local socket" label="Docker endpoint" />
        </label>
        <label>
          Pause image <CommitInput value={settings.pauseImage} onCommit={(v) => update({ pauseImage: v })} placeholder="PodLab's default" label="Pause image" />
        </label>
        {status && !status.canSwitch && (
          <p className="muted">
            <code>podlab serve</code> does not read these: it takes <code>DOCKER_HOST</code> and <code>--pause-image</code>.
          </p>
        )}
        {status && (
          <dl className="facts">
            <dt>Data directory</dt>
            <dd>
              <code className="podlab-home">{status.home}</code> <span className="muted">set PODLAB_HOME to move it</span>
            </dd>
            {status.dataDir && (
              <>
                <dt>This cluster's data</dt>
                <dd>
                  <code>{status.dataDir}</code>
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
      <RegistryCredentials />
    </section>
  );
}
