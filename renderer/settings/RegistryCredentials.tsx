// Registry logins the kubelets use when a pod names no imagePullSecret for
// the registry. The password goes to the main side once and never comes back.

import { useState } from 'react';
import type { RegistryCredential } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { CardForm } from '../components/CardForm.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useCall } from '../hooks/useCall.ts';

function CredentialRow({ credential, onRemoved }: { credential: RegistryCredential; onRemoved: (list: RegistryCredential[]) => void }) {
  const action = useAction();
  const remove = () => action.run('remove', async () => onRemoved(await requireBridge().call('registries.remove', { server: credential.server })));
  return (
    <tr data-registry={credential.server}>
      <td>
        <code>{credential.server}</code>
      </td>
      <td>{credential.username}</td>
      <td className="actions">
        <button className="small danger" disabled={!!action.pending} onClick={() => void remove()} aria-label={`Remove ${credential.server}`}>
          {action.pending ? 'Removing…' : 'Remove'}
        </button>
        {action.error && <ErrorBox error={action.error} />}
      </td>
    </tr>
  );
}

export function RegistryCredentials() {
  const loaded = useCall(() => requireBridge().call('registries.list'), []);
  // The answer of each set/remove is the new list: shown as is, no second call.
  const [changed, setChanged] = useState<RegistryCredential[]>();
  const list = changed ?? loaded.value;
  const [server, setServer] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const save = async () => {
    const saved = await action.run('save', async () => setChanged(await requireBridge().call('registries.set', { server: server.trim(), username: username.trim(), password })));
    // The password is cleared either way: it must not linger in the page.
    setPassword('');
    if (saved) {
      setServer('');
      setUsername('');
    }
  };
  return (
    <div className="card" aria-label="Registry credentials">
      <div className="card-title">
        <b>Registry credentials</b> <span className="muted">used for image pulls when a pod names no imagePullSecret for the registry</span>
      </div>
      {loaded.error && <ErrorBox error={loaded.error} />}
      {list && list.length === 0 && <p className="muted">None: images are pulled anonymously.</p>}
      {list && list.length > 0 && (
        <table className="plain registries">
          <thead>
            <tr>
              <th>Server</th>
              <th>Username</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <CredentialRow key={c.server} credential={c} onRemoved={setChanged} />
            ))}
          </tbody>
        </table>
      )}
      <CardForm
        label="Add registry credential"
        disabled={!!action.pending}
        onSubmit={() => void save()}
        footer={
          <>
            <p className="muted form-note">Saving a server again replaces its login. The password is stored by PodLab and never shown again.</p>
            {action.error && <ErrorBox error={action.error} />}
          </>
        }
      >
        <label>
          Server <input className="wide" value={server} onChange={(e) => setServer(e.target.value)} required placeholder="ghcr.io, registry.example.com:5000, docker.io" aria-label="Registry server" />
        </label>
        <label>
          Username <input value={username} onChange={(e) => setUsername(e.target.value)} required aria-label="Registry username" autoComplete="off" />
        </label>
        <label>
          Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required aria-label="Registry password" autoComplete="new-password" />
        </label>
        <button className="primary" type="submit">
          {action.pending ? 'Saving…' : 'Save login'}
        </button>
      </CardForm>
    </div>
  );
}
