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

/** The controller named in the edited pod's ownerReferences, if any. */
function ownerIn(yaml: string): { kind: string; name: string } | undefined {
  try {
    const object = parse(yaml) as { metadata?: { ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }> } } | null;
    return object?.metadata?.ownerReferences?.find((o) => o.controller);
  } catch {
    return undefined;
  }
}

/**
 * A pod's spec cannot change in place: the way forward is its controller's
 * template, or for a bare pod, replacing it (checked by a dry run first).
 */
function ImmutablePodEdit({ target, text, error, owner, onReplaced }: { target: ObjectRef; text: string; error: BridgeErrorInfo; owner?: { kind: string; name: string }; onReplaced: () => void }) {
  const [checked, setChecked] = useState<DryRunEdit>();
  const [failure, setFailure] = useState<BridgeErrorInfo>();
  const [busy, setBusy] = useState(false);
  const replace = async (dryRun: boolean) => {
    setBusy(true);
    try {
      const result = await requireBridge().call('resources.replacePod', { ...target, yaml: text, dryRun });
      setFailure(undefined);
      if (dryRun) setChecked(result);
      else onReplaced();
    } catch (err) {
      setFailure(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="error-box immutable-pod" role="alert">
      <div className="error-message">{error.message.split('\n')[0]}</div>
      {owner ? (
        <p>
          This pod belongs to {owner.kind} <b>{owner.name}</b>: change the pod template there (Relations tab, then its owner). The controller then replaces its pods with the change; an edit here would be undone by the next one it creates.
        </p>
      ) : (
        <>
          <p>A pod's spec cannot change once it exists (only images, activeDeadlineSeconds, tolerations and a few others can). This pod has no controller, so the way to change it is to replace it: delete it and create it again with this spec. Its containers restart and their logs go.</p>
          <div className="toolbar">
            <button onClick={() => void replace(true)} disabled={busy}>
              Check the replacement
            </button>
            <button className="danger" onClick={() => void replace(false)} disabled={busy || !checked}>
              Replace the pod
            </button>
          </div>
          {checked && <p className="tone-ok">The server accepts the new pod (dry run).</p>}
          {checked && <DiffView diff={checked.diff} />}
        </>
      )}
      {failure && <ErrorBox error={failure} />}
    </div>
  );
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
  const immutablePod = kind === 'Pod' && error?.status?.code === 422 && /pod updates may not change fields/.test(error.message);
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
      {error && !immutablePod && <ErrorBox error={error} next={error.status?.code === 409 ? 'Reload to edit the object as it is now.' : 'Fix the marked field and preview again.'} />}
      {error && immutablePod && <ImmutablePodEdit target={target} text={text} error={error} owner={ownerIn(text)} onReplaced={() => void load()} />}
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
