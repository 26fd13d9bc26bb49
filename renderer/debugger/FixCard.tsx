// One fix of a finding: what it changes, previewed with the API server's dry
// run as a diff per object, then applied as the user on a click.

import { useState } from 'react';
import type { Finding, Fix, FixApplied, FixPreview, FixStep } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useAction } from '../hooks/useAction.ts';
import { lineDiff } from '../../main/ui/resources/lineDiff.ts';
import { DiffView } from '../resources/DiffView.tsx';

export function StepDiff({ step }: { step: FixStep }) {
  const verb = step.verb === 'create' ? 'Create' : step.verb === 'patch' ? 'Patch' : 'Replace (delete and create again)';
  return (
    <div className="fix-step" aria-label={`Changes to ${step.kind} ${step.name}`}>
      <div className="fix-step-target">
        {verb} {step.kind} <b>{step.name}</b>
        {step.namespace ? ` in ${step.namespace}` : ''}
      </div>
      <DiffView diff={lineDiff(step.before, step.after)} />
    </div>
  );
}

export function FixCard({ namespace, pod, owner, finding, fix, onApplied }: { namespace: string; pod: string; owner?: { kind: string; name: string }; finding: Finding; fix: Fix; onApplied: (applied: FixApplied) => void }) {
  const [preview, setPreview] = useState<FixPreview>();
  const action = useAction();
  const busy = action.pending;
  const run = (what: 'preview' | 'apply') =>
    action.run(what, async () => {
      const request = { namespace, pod, ...(owner && { owner }), fix };
      if (what === 'preview') setPreview(await requireBridge().call('fixes.preview', request));
      else onApplied(await requireBridge().call('fixes.apply', request));
    });
  return (
    <div className="fix" data-fix-rule={finding.rule}>
      <div className="fix-title">
        <b>Fix:</b> {fix.title}
        <span className="spacer" />
        <button className="small" disabled={!!busy} onClick={() => void run('preview')}>
          {busy === 'preview' ? 'Checking…' : 'Preview'}
        </button>
        <button className="small primary" disabled={!!busy || !preview || !!preview.refused} title={preview ? undefined : 'Preview it first'} onClick={() => void run('apply')}>
          {busy === 'apply' ? 'Applying…' : 'Apply'}
        </button>
      </div>
      <p className="muted">{fix.explanation}</p>
      {preview?.refused && <p className="tone-bad">The API server's dry run refuses it: {preview.refused}</p>}
      {preview && !preview.refused && <p className="tone-ok">The API server's dry run accepts it (dryRun=All: validated and admitted, nothing stored).</p>}
      {preview?.steps.map((step, i) => <StepDiff key={i} step={step} />)}
      {action.error && <ErrorBox error={action.error} />}
    </div>
  );
}
