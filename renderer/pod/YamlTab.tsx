// The object's YAML, editable: Apply sends it through the same apply as the
// Apply view, and server errors are marked at the field they name.

import { useEffect, useState } from 'react';
import type { ApplyOutcome, BridgeErrorInfo, ObjectRef } from '../../preload/api.ts';
import { applyMarks } from '../applyMarks.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ApplyResults } from '../components/ApplyResults.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { YamlEditor } from '../components/YamlEditor.tsx';

export function YamlTab({ target, resourceVersion }: { target: ObjectRef; resourceVersion?: string }) {
  const [text, setText] = useState('');
  const [loadedVersion, setLoadedVersion] = useState<string>();
  const [edited, setEdited] = useState(false);
  const [outcomes, setOutcomes] = useState<ApplyOutcome[]>([]);
  const [error, setError] = useState<BridgeErrorInfo>();
  const [busy, setBusy] = useState(false);

  const load = () => {
    requireBridge()
      .call('objects.yaml', target)
      .then(
        (yaml) => {
          setText(yaml);
          setEdited(false);
          setLoadedVersion(resourceVersion);
          setError(undefined);
        },
        (err) => setError(errorInfo(err)),
      );
  };
  // Follow the live object until the user starts editing.
  useEffect(() => {
    if (!edited) load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target.namespace, target.name, resourceVersion]);

  const apply = async () => {
    setBusy(true);
    try {
      setOutcomes(await requireBridge().call('objects.apply', { yaml: text, namespace: target.namespace }));
      setError(undefined);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="yaml-tab">
      <div className="toolbar">
        <button onClick={apply} disabled={busy || !edited}>
          {busy ? 'Applying…' : 'Apply changes'}
        </button>
        <button onClick={load} disabled={busy}>
          Reload
        </button>
        {edited && loadedVersion !== resourceVersion && <span className="tone-warn">The object changed since you started editing; Reload to see it (your edits would be lost).</span>}
      </div>
      {error && <ErrorBox error={error} />}
      <YamlEditor
        label="Object YAML"
        value={text}
        marks={applyMarks(text, outcomes)}
        onChange={(value) => {
          setText(value);
          setEdited(true);
        }}
      />
      {outcomes.length > 0 && <ApplyResults outcomes={outcomes} />}
    </div>
  );
}
