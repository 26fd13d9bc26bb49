// The pod's ports on this machine: each declared container port with a
// Forward button, any other port by number, and the forwards running now as
// http://127.0.0.1:PORT links with their connections and a Stop button. The
// main side listens on 127.0.0.1 and reaches the pod through the Kubernetes
// API (pods/portforward), so it works the same on a kubeconfig's cluster.
// A connection the API or the node refused shows its reason on its forward.

import { useEffect, useState } from 'react';
import type { PodView } from '../../main/insight/podView.ts';
import type { BridgeErrorInfo, PortForwardInfo } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { CardForm } from '../components/CardForm.tsx';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { ExternalLink } from '../components/ExternalLink.tsx';

interface DeclaredPort {
  container: string;
  port: number;
  name?: string;
}

/** TCP ports the pod's containers declare (port forwarding carries TCP only). */
function declaredPorts(pod: PodView): DeclaredPort[] {
  return (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).filter((p) => p.containerPort && (p.protocol ?? 'TCP') === 'TCP').map((p) => ({ container: c.name, port: p.containerPort!, name: p.name })),
  );
}

function withForward(list: PortForwardInfo[], forward: PortForwardInfo): PortForwardInfo[] {
  return list.some((f) => f.forwardId === forward.forwardId) ? list.map((f) => (f.forwardId === forward.forwardId ? forward : f)) : [...list, forward];
}

/** A port field's number, or undefined when left empty; throws a sentence when it is no port. */
function portNumber(text: string, what: string): number | undefined {
  if (!text.trim()) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} must be a number from 1 to 65535`);
  return port;
}

export function PortForwardSection({ pod }: { pod: PodView }) {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  const [forwards, setForwards] = useState<PortForwardInfo[]>([]);
  const [error, setError] = useState<BridgeErrorInfo>();
  const [pending, setPending] = useState(false);
  const [podPort, setPodPort] = useState('');
  const [localPort, setLocalPort] = useState('');

  useEffect(() => {
    const bridge = requireBridge();
    let current = true;
    const off = bridge.on('portForward', ({ forward, ended }) => {
      if (forward.namespace !== namespace || forward.pod !== name) return;
      setForwards((list) => (ended ? list.filter((f) => f.forwardId !== forward.forwardId) : withForward(list, forward)));
    });
    bridge.call('portForward.list', { namespace, pod: name }).then(
      (list) => current && setForwards((known) => list.reduce(withForward, known)),
      (err) => current && setError(errorInfo(err)),
    );
    return () => {
      current = false;
      off();
    };
  }, [namespace, name]);

  const start = async (port: number | undefined, local?: number) => {
    setError(undefined);
    setPending(true);
    try {
      if (port === undefined) throw new Error('give the pod\'s port to forward');
      const forward = await requireBridge().call('portForward.start', { namespace, pod: name, port, ...(local ? { localPort: local } : {}) });
      setForwards((list) => withForward(list, forward));
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setPending(false);
    }
  };

  const stop = async (forwardId: string) => {
    try {
      await requireBridge().call('portForward.stop', { forwardId });
      setForwards((list) => list.filter((f) => f.forwardId !== forwardId));
    } catch (err) {
      setError(errorInfo(err));
    }
  };

  const declared = declaredPorts(pod);
  return (
    <section className="port-forward" aria-label="Port forward">
      <h3>Port forward</h3>
      <p className="muted">A port on 127.0.0.1 of this machine, carried to the pod through the Kubernetes API (pods/portforward), as kubectl port-forward does.</p>
      {declared.length > 0 ? (
        <ul className="declared-ports" aria-label="Declared ports">
          {declared.map((p) => (
            <li key={`${p.container}/${p.port}`} data-port={p.port}>
              <code>{p.port}/TCP</code> {p.name && <span className="chip">{p.name}</span>} <span className="muted">{p.container}</span>{' '}
              <button className="small" disabled={pending} onClick={() => void start(p.port)}>
                Forward
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No container declares a port: give the one to forward below.</p>
      )}
      <CardForm
        label="Forward a port"
        legend="Any port"
        disabled={pending}
        onSubmit={() => {
          try {
            void start(portNumber(podPort, 'The pod port'), portNumber(localPort, 'The local port'));
          } catch (err) {
            setError(errorInfo(err));
          }
        }}
      >
        <label>
          Pod port <input className="narrow" inputMode="numeric" value={podPort} onChange={(e) => setPodPort(e.target.value)} aria-label="Pod port" />
        </label>
        <label>
          Local port <input className="narrow" inputMode="numeric" placeholder="any free" value={localPort} onChange={(e) => setLocalPort(e.target.value)} aria-label="Local port" />
        </label>
        <button type="submit">Forward</button>
      </CardForm>
      {error && <ErrorBox error={error} />}
      {forwards.length > 0 && (
        <table className="plain" aria-label="Active port forwards">
          <thead>
            <tr>
              <th>Local</th>
              <th>Pod port</th>
              <th>Connections</th>
              <th>Last error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {forwards.map((f) => (
              <tr key={f.forwardId} data-forward={f.localPort}>
                <td>
                  <ExternalLink url={f.url} />
                </td>
                <td>{f.port}</td>
                <td className="forward-connections">
                  {f.connections} open · {f.totalConnections} in all
                </td>
                <td>{f.error && <span className="tone-bad forward-error" role="alert">{f.error.message}</span>}</td>
                <td>
                  <button className="small" onClick={() => void stop(f.forwardId)}>
                    Stop
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
