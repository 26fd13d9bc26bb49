// A text setting edited in place and saved when the field is left or Enter
// is pressed, not on every keystroke: a half-typed endpoint is not worth
// writing to the settings file. Says when the value is saved.

import { useEffect, useState } from 'react';

export interface CommitInputProps {
  value: string;
  /** Resolves true once saved (a failure is shown by the caller). */
  onCommit: (value: string) => Promise<boolean>;
  placeholder?: string;
  label: string;
}

export function CommitInput({ value, onCommit, placeholder, label }: CommitInputProps) {
  const [draft, setDraft] = useState(value);
  const [state, setState] = useState<'saving' | 'saved'>();
  // A value saved elsewhere (or normalized by the main side) replaces the draft.
  useEffect(() => setDraft(value), [value]);
  const commit = async () => {
    if (draft.trim() === value) return;
    setState('saving');
    setState((await onCommit(draft.trim())) ? 'saved' : undefined);
  };
  return (
    <>
      <input
        className="wide"
        value={draft}
        placeholder={placeholder}
        aria-label={label}
        onChange={(e) => {
          setDraft(e.target.value);
          setState(undefined);
        }}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void commit();
          if (e.key === 'Escape') setDraft(value);
        }}
      />{' '}
      {state && <span className={`commit-state ${state === 'saved' ? 'tone-ok' : 'muted'}`}>{state === 'saved' ? 'saved' : 'saving…'}</span>}
    </>
  );
}
