// A form in a card (new cluster, add node, registry login): one row of
// fields, all disabled while its action runs or when it cannot be used, and
// what goes under them (a note, the error).

import type { ReactNode } from 'react';

export interface CardFormProps {
  /** The form's accessible name. */
  label: string;
  /** Shown before the fields. */
  legend?: string;
  disabled?: boolean;
  className?: string;
  onSubmit: () => void;
  children: ReactNode;
  footer?: ReactNode;
}

export function CardForm({ label, legend, disabled, className, onSubmit, children, footer }: CardFormProps) {
  return (
    <form
      className={`card-form ${className ?? ''}`}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <fieldset disabled={disabled}>
        {legend && <legend>{legend}</legend>}
        {children}
      </fieldset>
      {footer}
    </form>
  );
}
