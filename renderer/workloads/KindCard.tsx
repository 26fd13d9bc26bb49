// The frame every workload table shares: a title with the count, the error
// of the list or of the last action, and what to do when there is none yet.

import type { ReactNode } from 'react';
import type { BridgeErrorInfo } from '../../preload/api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';

export interface KindCardProps {
  title: string;
  /** The plural, for tests and styles: `data-table="jobs"`. */
  table: string;
  count: number;
  error?: BridgeErrorInfo;
  /** Shown when the list is empty. */
  empty: ReactNode;
  /** After the title: a notice about the last action. */
  notice?: ReactNode;
  children: ReactNode;
}

export function KindCard({ title, table, count, error, empty, notice, children }: KindCardProps) {
  return (
    <div className="card" data-table={table}>
      <div className="card-title">
        <b>{title}</b> <span className="muted">{count}</span>
        {notice}
      </div>
      {error && <ErrorBox error={error} />}
      {count === 0 ? <p className="muted">{empty}</p> : children}
    </div>
  );
}

/** Suspend or resume a CronJob or Job (its spec.suspend). */
export function SuspendToggle({ suspended, busy, onToggle }: { suspended: boolean; busy: boolean; onToggle: (suspend: boolean) => void }) {
  return (
    <button className="small" disabled={busy} onClick={() => onToggle(!suspended)}>
      {suspended ? 'Resume' : 'Suspend'}
    </button>
  );
}
