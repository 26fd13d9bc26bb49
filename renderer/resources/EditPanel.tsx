// Editing an object as `kubectl edit` does, with a look first: Preview sends
// the edited YAML as a dry-run update and shows what the server would store
// (a diff against the object now), Apply then stores exactly that text.
// Server errors are marked at the fields they name.

import { useEffect, useState } from 'react';
import { parse } from 'yaml';
import type { BridgeErrorInfo, DryRunEdit, ObjectRef } from '../../preload/api.ts';
import { applyMarks } from '../applyMarks.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { YamlEditor } from '../components/YamlEditor.tsx';
import { DiffView } from './DiffView.tsx';

interface Props {
  target: ObjectRef;
  kind: string;
  /** The live object's resourceVersion, to say when it changed under the edit. */
  resourceVersion?: string;
}

/** The resourceVersion the loaded YAML was read at (an update from it is refused once the object moved on). */
function versionIn(yaml: string): string | undefined {
  const object = parse(yaml) as { metadata?: { resourceVersion?: string } } | null;
  return object?.metadata?.resourceVersion;
}

export function EditPanel({ target, kind, resourceVersion }: Props) {
  const [text, setText] = useState('');
  const [loadedVersion, setLoadedVersion] = useState<string>();
  const [preview, setPreview] = useState<{ text: string; result: DryRunEdit }>();
  const [error, setError] = useState<BridgeErrorInfo>();
  const [busy, setBusy] = useState<'loading' | 'previewing' | 'applying' | undefined>('loading');
  const [applied, setApplied] = useState<string>();

  const load = async () => {
    setBusy('loading');
    try {
      const yaml = await requireBridge().call('objects.yaml', target);
      setText(yaml);
      setLoadedVersion(versionIn(yaml));
      setPreview(undefined);
      setError(undefined);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(undefined);
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(target)]);

  const runPreview = async () => {
    setBusy('previewing');
    setApplied(undefined);
    try {
      const result = await requireBridge().call('resources.dryRunEdit', { ...target, yaml: text });
      setPreview({ text, result });
      setError(undefined);
    } catch (err) {
      setPreview(undefined);
      setError(errorInfo(err));
    } finally {
      setBusy(undefined);
    }
  };

  const apply = async () => {
    setBusy('applying');
    try {
      await requireBridge().call('resources.update', { ...target, yaml: text });
      await load();
      setApplied(`${kind.toLowerCase()}/${target.name} edited`);
    } catch (err) {
      setError(errorInfo(err));
      setBusy(undefined);
    }
  };

  const current = preview && preview.text === text ? preview.result : undefined;
  const marks = error ? applyMarks(text, [{ document: 0, kind, name: target.name, action: 'failed', error }]) : [];
  return (
    <div className="edit-panel">
      <div className="toolbar">
        <button onClick={() => void runPreview()} disabled={!!busy}>
          {busy === 'previewing' ? 'Previewing…' : 'Preview'}
        </button>
        <button className="primary" onClick={() => void apply()} disabled={!!busy || !current?.changed} title={current ? undefined : 'Preview the change first: the server checks it without storing it'}>
          {busy === 'applying' ? 'Applying…' : 'Apply'}
        </button>
        <button onClick={() => void load()} disabled={!!busy}>
          Reload
        </button>
        {applied && (
          <span className="tone-ok" role="status">
            {applied}
          </span>
        )}
        {loadedVersion !== undefined && resourceVersion !== undefined && resourceVersion !== loadedVersion && <span className="tone-warn">The object changed since this YAML was loaded: applying it will be refused as a conflict; Reload to edit the latest.</span>}
      </div>
      {error && <ErrorBox error={error} next={error.status?.code === 409 ? 'Reload to edit the object as it is now.' : 'Fix the marked field and preview again.'} />}
      {current && (
        <div className="edit-preview" aria-label="Dry-run result">
          <p className={current.changed ? '' : 'muted'}>{current.changed ? 'The server accepts this change (dry run: nothing stored yet). It would store:' : 'No change: the server would store the object as it is.'}</p>
          {current.changed && <DiffView diff={current.diff} />}
        </div>
      )}
      <YamlEditor label="Edit YAML" value={text} marks={marks} onChange={setText} />
    </div>
  );
}
