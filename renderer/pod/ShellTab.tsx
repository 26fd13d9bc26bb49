// A shell in a container: keystrokes go to the process, its output to the
// terminal, and the terminal's size follows the window.

import { useRef, useState } from 'react';
import type { BridgeErrorInfo } from '../../preload/api.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { ContainerPicker } from '../components/ContainerPicker.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Terminal, type TerminalHandle } from '../components/Terminal.tsx';
import { useClusterStatus } from '../hooks/useClusterStatus.ts';

export function ShellTab({ pod }: { pod: PodView }) {
  // A running ephemeral container (`kubectl debug`) takes a shell too: often the only one with tools in it.
  const runningEphemeral = (pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name);
  const names = [...(pod.spec?.containers ?? []).map((c) => c.name), ...runningEphemeral];
  const [container, setContainer] = useState(names[0] ?? '');
  const [command, setCommand] = useState('sh');
  const [error, setError] = useState<BridgeErrorInfo>();
  const [sessionId, setSessionId] = useState<string>();
  const handle = useRef<TerminalHandle>(undefined);
  const session = useRef<{ id: string; unsubscribe: () => void }>(undefined);
  const status = useClusterStatus();

  const disconnect = () => {
    if (!session.current) return;
    session.current.unsubscribe();
    void requireBridge().call('exec.stop', { sessionId: session.current.id }).catch(() => undefined);
    session.current = undefined;
    setSessionId(undefined);
  };

  const connect = async () => {
    const terminal = handle.current;
    if (!terminal) return;
    disconnect();
    setError(undefined);
    terminal.term.reset();
    const bridge = requireBridge();
    try {
      const { sessionId: id } = await bridge.call('exec.start', {
        namespace: pod.metadata.namespace ?? 'default',
        pod: pod.metadata.name ?? '',
        container,
        command: command.trim().split(/\s+/),
        tty: true,
        columns: terminal.term.cols,
        rows: terminal.term.rows,
      });
      const unsubscribe = bridge.stream('exec', id, (event) => {
        if (event.data) terminal.term.write(event.data);
        if (event.exit) {
          terminal.term.write(`\r\n\x1b[2;36m── exited${event.exit.code !== undefined ? ` with code ${event.exit.code}` : ''} ──\x1b[0m\r\n`);
          if (event.exit.error) setError(event.exit.error);
          session.current = undefined;
          setSessionId(undefined);
        }
      });
      session.current = { id, unsubscribe };
      setSessionId(id);
      terminal.term.focus();
    } catch (err) {
      setError(errorInfo(err));
    }
  };

  return (
    <div className="terminal-tab">
      <div className="toolbar">
        <ContainerPicker names={names} value={container} onChange={setContainer} />
        <label>
          Command <input value={command} onChange={(e) => setCommand(e.target.value)} aria-label="Command" />
        </label>
        {sessionId ? <button onClick={disconnect}>Disconnect</button> : <button onClick={() => void connect()}>Connect</button>}
      </div>
      {error && <ErrorBox error={error} next={(status && !status.podStreams) || error.status?.code === 503 ? 'A shell needs the node runtime (the kubelets), which does not serve this cluster yet.' : 'Check that the container is running and has this command (busybox has sh, not bash).'} />}
      <Terminal
        label="Shell"
        onResize={(columns, rows) => {
          if (session.current) void requireBridge().call('exec.resize', { sessionId: session.current.id, columns, rows }).catch(() => undefined);
        }}
        onReady={(h) => {
          handle.current = h;
          const input = h.term.onData((data) => {
            if (session.current) void requireBridge().call('exec.input', { sessionId: session.current.id, data }).catch(() => undefined);
          });
          return () => {
            input.dispose();
            disconnect();
            handle.current = undefined;
          };
        }}
      />
    </div>
  );
}
