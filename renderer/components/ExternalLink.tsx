// A link to a Service on this machine: the desktop app asks the main side to
// open it in the system browser (the window itself never navigates away);
// in browser mode it is a normal link to a new tab.

import { requireBridge } from '../bridge.ts';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';

export function ExternalLink({ url }: { url: string }) {
  const status = useClusterStatus();
  if (status?.mode === 'desktop') {
    return (
      <button className="link" onClick={() => void requireBridge().call('app.openExternal', { url })}>
        {url} ↗
      </button>
    );
  }
  return (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {url} ↗
    </a>
  );
}
