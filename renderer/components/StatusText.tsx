import { podStatusTone } from '../podStatusTone.ts';

export function StatusText({ status }: { status: string }) {
  return <span className={`status tone-${podStatusTone(status)}`}>{status}</span>;
}
