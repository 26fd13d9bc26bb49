// A destructive action asked twice, in the page: the first click says what
// will happen, the second does it. (window.confirm blocks the page and is
// easy to click through without reading.)

import { useState } from 'react';

export interface ConfirmButtonProps {
  /** The button before asking: "Delete", "Remove". */
  label: string;
  /** What will happen: "Delete cluster dev? This removes its containers and data." */
  question: string;
  /** The button that does it: "Delete dev". */
  confirmLabel: string;
  /** Shown instead of the label while the action runs: "Deleting…". */
  busyLabel?: string;
  disabled?: boolean;
  /** Why it is disabled, or what it does. */
  title?: string;
  onConfirm: () => void;
}

export function ConfirmButton({ label, question, confirmLabel, busyLabel, disabled, title, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking || busyLabel)
    return (
      <button className="small danger" disabled={disabled || !!busyLabel} title={title} onClick={() => setAsking(true)}>
        {busyLabel ?? label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        className="small danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button className="small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
