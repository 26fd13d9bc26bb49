// A container's log in a terminal: follow (across container restarts),
// previous instance, timestamps, search, download.

import { useEffect, useRef, useState } from 'react';
import type { BridgeErrorInfo, LogRequest } from '../../preload/api.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ContainerPicker } from '../components/ContainerPicker.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Terminal, type TerminalHandle } from '../components/Terminal.tsx';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';
import { RecentText } from './recentText.ts';

const downloadLimitChars = 8 * 1024 * 1024;

export function LogsTab({ pod, tailLines, defaultTimestamps }: { pod: PodView; tailLines: number; defaultTimestamps: boolean }) {
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  const [container, setContainer] = useState(pod.spec?.containers?.[0]?.name ?? '');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [timestamps, setTimestamps] = useState(defaultTimestamps);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<BridgeErrorInfo>();
  const [ended, setEnded] = useState(false);
  const handle = useRef<TerminalHandle>(undefined);
  // One per tab, made once (not on every render).
  const [text] = useState(() => new RecentText(downloadLimitChars));
  const status = useClusterStatus();
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';

  useEffect(() => {
    const terminal = handle.current;
    if (!terminal) return;
    const bridge = requireBridge();
    terminal.term.reset();
    text.clear();
    setError(undefined);
    setEnded(false);
    let streamId: string | undefined;
    let stopped = false;
    let unsubscribe: (() => void) | undefined;
    const request: LogRequest = { namespace, pod: name, container, follow: follow && !previous, previous, timestamps, tailLines };
    bridge.call('logs.start', request).then(
      (started) => {
        streamId = started.streamId;
        if (stopped) return void bridge.call('logs.stop', { streamId });
        unsubscribe = bridge.stream('logs', streamId, (event) => {
          if (event.data) {
            // Download keeps the last 8 MiB: a log followed for hours must not grow the page without bound.
            text.append(event.data);
            terminal.term.write(event.data);
          }
          if (event.notice) terminal.term.write(`\x1b[2;36m── ${event.notice} ──\x1b[0m\r\n`);
          if (event.end) {
            setEnded(true);
            if (event.end.error) setError(event.end.error);
          }
        });
      },
      (err) => setError(errorInfo(err)),
    );
    return () => {
      stopped = true;
      unsubscribe?.();
      if (streamId) void bridge.call('logs.stop', { streamId }).catch(() => undefined);
    };
  }, [namespace, name, container, follow, previous, timestamps, tailLines, text]);

  // For more than the last 8 MiB, `kubectl logs` gives the whole log.
  const download = () => {
    const url = URL.createObjectURL(new Blob([text.text()], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${name}-${container}${previous ? '-previous' : ''}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="terminal-tab">
      <div className="toolbar">
        <ContainerPicker names={names} value={container} onChange={setContainer} />
        <label>
          <input type="checkbox" checked={follow} disabled={previous} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label>
          <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.target.checked)} /> Previous instance
        </label>
        <label>
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <input
          className="filter"
          placeholder="Search (Enter: next)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && query) (e.shiftKey ? handle.current?.search.findPrevious(query) : handle.current?.search.findNext(query));
          }}
          aria-label="Search the log"
        />
        <button onClick={download}>Download</button>
        {ended && !error && <span className="muted">log ended</span>}
      </div>
      {error && (
        <ErrorBox
          error={error}
          next={
            (status && !status.podStreams) || error.status?.code === 503
              ? 'Logs come from the node runtime (the kubelets), which does not serve this cluster yet. The pod list, events and YAML work meanwhile.'
              : previous
                ? 'There is no previous instance until the container has restarted once.'
                : 'Check that the container has started (Overview tab).'
          }
        />
      )}
      <Terminal
        label="Log output"
        onReady={(h) => {
          handle.current = h;
          return () => (handle.current = undefined);
        }}
      />
    </div>
  );
}
