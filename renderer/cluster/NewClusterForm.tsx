// A new cluster: its name, runtime and node count. Creating one starts it at
// once (the shown one stops); `podlab serve` runs one cluster and says so.

import { useState } from 'react';
import type { ClusterStatus, RuntimeKind } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { CardForm } from '../components/CardForm.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';

export function NewClusterForm({ status, onCreated }: { status: ClusterStatus; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [runtime, setRuntime] = useState<RuntimeKind>(status.runtime);
  const [nodes, setNodes] = useState('1');
  const action = useAction(onCreated);
  const create = () => action.run('create', () => requireBridge().call('cluster.create', { name: name.trim(), runtime, nodes: Number(nodes) }));
  return (
    <CardForm
      label="New cluster"
      legend="New cluster"
      disabled={!status.canSwitch || !!action.pending}
      onSubmit={() => void create()}
      footer={
        <>
          {!status.canSwitch && (
            <p className="muted form-note">
              <code>podlab serve</code> runs a single cluster. Create and switch clusters from <code>podlab ui</code> or the desktop app, or start another with <code>podlab serve --name NAME</code>.
            </p>
          )}
          {action.error && <ErrorBox error={action.error} />}
        </>
      }
    >
      <label>
        Name{' '}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={40} pattern="[a-z0-9\-]+" title="Lower-case letters, digits and '-', at most 40 characters" placeholder="dev" aria-label="Cluster name" />
      </label>
      <label>
        Runtime{' '}
        <select value={runtime} onChange={(e) => setRuntime(e.target.value as RuntimeKind)} aria-label="Runtime">
          <option value="docker">Docker</option>
          <option value="simulated">Simulated (no containers)</option>
        </select>
      </label>
      <label>
        Nodes <input type="number" min={1} max={10} value={nodes} onChange={(e) => setNodes(e.target.value)} aria-label="Nodes" />
      </label>
      <button className="primary" type="submit">
        {action.pending ? 'Creating…' : 'Create and start'}
      </button>
    </CardForm>
  );
}
