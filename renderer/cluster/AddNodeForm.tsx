// A new node for the shown cluster, as `podlab node add` makes one: a name
// and, optionally, what it offers the scheduler (else the machine's).

import { useState } from 'react';
import { requireBridge } from '../bridge.ts';
import { CardForm } from '../components/CardForm.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';

export function AddNodeForm({ suggestedName, onAdded }: { suggestedName: string; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [cpu, setCpu] = useState('');
  const [memory, setMemory] = useState('');
  const [pods, setPods] = useState('');
  const action = useAction(onAdded);
  const add = async () => {
    const request = { name: name.trim() || suggestedName, ...(cpu.trim() ? { cpu: cpu.trim() } : {}), ...(memory.trim() ? { memory: memory.trim() } : {}), ...(pods ? { pods: Number(pods) } : {}) };
    if (await action.run('add', () => requireBridge().call('nodes.add', request))) {
      setName('');
      setCpu('');
      setMemory('');
      setPods('');
    }
  };
  return (
    <CardForm
      label="Add node"
      legend="Add node"
      className="card"
      disabled={!!action.pending}
      onSubmit={() => void add()}
      footer={
        <>
          <p className="muted form-note">Empty fields: what this machine has. The node registers and turns Ready once its kubelet runs.</p>
          {action.error && <ErrorBox error={action.error} />}
        </>
      }
    >
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder={suggestedName} aria-label="Node name" />
      </label>
      <label>
        CPU <input className="narrow" value={cpu} onChange={(e) => setCpu(e.target.value)} placeholder="2, 1500m" aria-label="CPU" />
      </label>
      <label>
        Memory <input className="narrow" value={memory} onChange={(e) => setMemory(e.target.value)} placeholder="4Gi" aria-label="Memory" />
      </label>
      <label>
        Max pods <input className="narrow" type="number" min={1} max={10000} value={pods} onChange={(e) => setPods(e.target.value)} aria-label="Max pods" />
      </label>
      <button className="primary" type="submit">
        {action.pending ? 'Adding…' : 'Add node'}
      </button>
    </CardForm>
  );
}
