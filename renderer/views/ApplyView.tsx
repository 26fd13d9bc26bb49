// Paste or drop YAML and apply it, as `kubectl apply -f`: one result per
// object, errors marked at the field they name.

import { useState } from 'react';
import type { ApplyOutcome, BridgeErrorInfo } from '../../preload/api.ts';
import { applyMarks } from '../applyMarks.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ApplyResults } from '../components/ApplyResults.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { YamlEditor } from '../components/YamlEditor.tsx';

const placeholder = `# Paste Kubernetes YAML here, or drop a .yaml file on this box.
apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: hello
    image: busybox:1.36
    command: ["sh", "-c", "echo hello; sleep 3600"]
`;

export function ApplyView({ namespace }: { namespace: string }) {
  const [text, setText] = useState(placeholder);
  const [outcomes, setOutcomes] = useState<ApplyOutcome[]>([]);
  const [error, setError] = useState<BridgeErrorInfo>();
  const [busy, setBusy] = useState(false);
  const [source, setSource] = useState('');

  const apply = async () => {
    setBusy(true);
    setOutcomes([]);
    try {
      setOutcomes(await requireBridge().call('objects.apply', { yaml: text, namespace: namespace || undefined }));
      setError(undefined);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="view apply-view">
      <header className="view-head">
        <h1>Apply YAML</h1>
        <span className="muted">{source ? `from ${source}` : 'like kubectl apply -f'}; objects without a namespace go to {namespace || 'default'}</span>
        <span className="spacer" />
        <button className="primary" onClick={() => void apply()} disabled={busy}>
          {busy ? 'Applying…' : 'Apply'}
        </button>
      </header>
      {error && <ErrorBox error={error} />}
      <YamlEditor
        label="YAML to apply"
        value={text}
        marks={applyMarks(text, outcomes)}
        onChange={setText}
        onDropFile={(dropped, name) => {
          setText(dropped);
          setSource(name);
          setOutcomes([]);
        }}
      />
      {outcomes.length > 0 && <ApplyResults outcomes={outcomes} />}
    </section>
  );
}
