// Always visible: which cluster, whether Docker answers, where the API
// server is and the kubeconfig to use with kubectl.

import { useState } from 'react';
import type { ClusterStatus, ClusterSummary } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';

function dockerText(status: ClusterStatus): { text: string; tone: string; title?: string } {
  if (status.context) return { text: `kubeconfig context, namespace ${status.context.namespace}`, tone: 'muted', title: status.context.podlabOnly };
  if (status.runtime === 'simulated') return { text: 'simulated runtime (no containers)', tone: 'muted' };
  switch (status.docker.state) {
    case 'running':
      return { text: `Docker ${status.docker.version ?? ''}`.trim(), tone: 'ok', title: status.docker.endpoint };
    case 'unreachable':
      return { text: 'Docker not answering', tone: 'bad', title: status.docker.message };
    default:
      return { text: 'Docker: checking…', tone: 'muted' };
  }
}

export function StatusBar({ status, onError }: { status: ClusterStatus; onError: (message: string) => void }) {
  const [clusters, setClusters] = useState<ClusterSummary[]>();
  const [copied, setCopied] = useState(false);
  const docker = dockerText(status);
  const copy = () => {
    if (!status.kubeconfigPath) return;
    // A context is named, not made current: PodLab never changes the kubeconfig, and neither does this line.
    const line = status.context ? `export KUBECONFIG=${status.kubeconfigPath}; kubectl --context '${status.name}' get pods` : `export KUBECONFIG=${status.kubeconfigPath}`;
    void navigator.clipboard?.writeText(line).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  const switchTo = async (name: string) => {
    try {
      await requireBridge().call('cluster.switch', { name });
    } catch (err) {
      onError(errorInfo(err).message);
    }
  };
  return (
    <footer className="status-bar" aria-label="Status bar">
      <span className={`dot tone-${status.phase === 'running' && !status.progress ? 'ok' : status.phase === 'failed' ? 'bad' : 'progress'}`} />
      <span className="cluster-name" title="Cluster">
        {status.canSwitch ? (
          <select
            value={status.name}
            onFocus={() => void requireBridge().call('cluster.list').then(setClusters)}
            onChange={(e) => void switchTo(e.target.value)}
            aria-label="Cluster"
          >
            {(clusters ?? [{ name: status.name, running: true, current: true }]).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
                {'context' in c && c.context ? ' (kubeconfig)' : ''}
              </option>
            ))}
          </select>
        ) : (
          <b>{status.name}</b>
        )}{' '}
        {status.phase}
        {status.progress && ` — ${status.progress.step} (${status.progress.done}/${status.progress.total})`}
      </span>
      <span className={`tone-${docker.tone}`} title={docker.title}>
        {docker.text}
      </span>
      {status.apiServerUrl && <span title="API server">API {status.apiServerUrl}</span>}
      {status.kubeconfigPath && (
        <span className="kubeconfig">
          <code title={`Kubeconfig: ${status.kubeconfigPath}`}>{status.kubeconfigPath}</code>
          <button className="small" onClick={copy} title="Copy an export KUBECONFIG=... line">
            {copied ? 'Copied' : 'Copy'}
          </button>
        </span>
      )}
      {!status.podStreams && <span className="muted" title="Logs and exec come from the node runtime">logs/exec: not available yet</span>}
    </footer>
  );
}
