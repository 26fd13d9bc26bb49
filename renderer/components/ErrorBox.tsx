// An error as a person can act on it: what happened, the fields the server
// named, and (when given) what to do next.

import type { BridgeErrorInfo } from '../../preload/api.ts';

export function ErrorBox({ error, next }: { error: BridgeErrorInfo; next?: string }) {
  const causes = error.status?.details?.causes ?? [];
  return (
    <div className="error-box" role="alert">
      <div className="error-message">{error.message}</div>
      {causes.length > 0 && (
        <ul className="error-causes">
          {causes.map((c, i) => (
            <li key={i}>
              {c.field && <code className="error-field">{c.field}</code>} {c.message}
            </li>
          ))}
        </ul>
      )}
      {error.status && (
        <div className="error-status">
          HTTP {error.status.code} {error.status.reason}
        </div>
      )}
      {next && <div className="error-next">{next}</div>}
    </div>
  );
}
