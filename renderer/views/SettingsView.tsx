// The UI's preferences, stored by the main side.

import { useState } from 'react';
import type { BridgeErrorInfo, Settings } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';

export function SettingsView({ settings, onChange }: { settings: Settings; onChange: (settings: Settings) => void }) {
  const [error, setError] = useState<BridgeErrorInfo>();
  const update = async (change: Partial<Settings>) => {
    try {
      onChange(await requireBridge().call('settings.update', change));
      setError(undefined);
    } catch (err) {
      setError(errorInfo(err));
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
    </section>
  );
}
