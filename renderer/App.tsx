// The app's frame: navigation, namespace filter, the current view, the
// status bar; and the screens shown instead when there is no way in (browser
// mode without the token) or no running cluster yet.

import { useEffect, useState } from 'react';
import type { ClusterStatus, KubeObject, ObjectRef, Settings } from '../preload/api.ts';
import { bridge, errorInfo } from './bridge.ts';
import { deferred } from './components/Deferred.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { ClusterStatusContext } from './hooks/useClusterStatus.ts';
import { useWatch } from './hooks/useWatch.ts';
import { resources } from './resourceTypes.ts';
import { askAtStartup } from './startupAnswers.ts';
import { ClusterView } from './views/ClusterView.tsx';
import { DebuggerView } from './views/DebuggerView.tsx';
import { EventsView } from './views/EventsView.tsx';
import { PodDetail, type PodTab } from './views/PodDetail.tsx';
import { PodsView } from './views/PodsView.tsx';
import { ProblemsView } from './views/ProblemsView.tsx';
import { ResourcesView } from './views/ResourcesView.tsx';
import { isPodLink, locationOf, type ResourceLocation } from './resources/location.ts';
import { SamplesView } from './views/SamplesView.tsx';
import { SettingsView } from './views/SettingsView.tsx';
import { StartupScreen } from './views/StartupScreen.tsx';
import { WorkloadsView } from './views/WorkloadsView.tsx';
import type { ConnectionState } from './wsTransport.ts';

const ApplyView = deferred(() => import('./views/ApplyView.tsx').then((m) => m.ApplyView));

const startup = bridge && askAtStartup(bridge);

const views = ['Pods', 'Workloads', 'Debugger', 'Resources', 'Problems', 'Cluster', 'Events', 'Apply YAML', 'Samples', 'Settings'] as const;
type View = (typeof views)[number];

export function LockedScreen() {
  return (
    <main className="locked" role="main">
      <h1>PodLab</h1>
      <p>
        This page needs the address <b>podlab serve</b> printed, with its token: <b>open the URL printed by podlab serve</b> (the line starting with <code>UI:</code>).
      </p>
      <p className="muted">The token keeps other web pages and other users of this machine away from your cluster.</p>
    </main>
  );
}

function NamespaceSelect({ value, onChange }: { value: string; onChange: (ns: string) => void }) {
  const namespaces = useWatch<KubeObject>({ resource: resources.namespaces });
  const names = namespaces.items.map((n) => n.metadata.name ?? '').sort();
  if (value && !names.includes(value)) names.unshift(value);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Namespace">
      <option value="">All namespaces</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

interface WorkspaceProps {
  status: ClusterStatus;
  settings: Settings;
  setSettings: (s: Settings) => void;
  view: View;
  setView: (view: View) => void;
}

function Workspace({ status, settings, setSettings, view, setView }: WorkspaceProps) {
  const [namespace, setNamespace] = useState(status.context?.namespace ?? settings.defaultNamespace);
  const [labelSelector, setLabelSelector] = useState('');
  const [pod, setPod] = useState<{ namespace: string; name: string; tab?: PodTab }>();
  const [workload, setWorkload] = useState<ObjectRef>();
  const [notice, setNotice] = useState<string>();
  const [resourcesAt, setResourcesAt] = useState<ResourceLocation>();
  // A kubeconfig context opens in its own namespace, as kubectl uses it (its user may see no other); PodLab's clusters in the setting's.
  const contextNamespace = status.context?.namespace;
  // Set while rendering, not in an effect: the views' watches then start once, in the new cluster's namespace,
  // instead of listing everything under the old one first. A changed setting applies on the next switch, not mid-view.
  const shownCluster = `${status.name}\n${contextNamespace ?? ''}`;
  const [namespaceOf, setNamespaceOf] = useState(shownCluster);
  if (namespaceOf !== shownCluster) {
    setNamespaceOf(shownCluster);
    setNamespace(contextNamespace ?? settings.defaultNamespace);
  }
  const go = (next: View) => {
    setView(next);
    setPod(undefined);
  };
  return (
    <div className={`app theme-${settings.theme}`}>
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          Pod<span>Lab</span>
        </div>
        {views.map((v) => (
          <button key={v} className={view === v ? 'active' : ''} onClick={() => go(v)}>
            {v}
          </button>
        ))}
      </nav>
      <div className="main">
        <div className="topbar">
          <NamespaceSelect value={namespace} onChange={setNamespace} />
          {status.runtime === 'docker' && status.docker.state === 'unreachable' && (
            <span className="banner tone-bad" role="status">
              Docker is not answering at {status.docker.endpoint}: pods cannot start. Start Docker{status.canSwitch ? ', or switch this cluster to the simulated runtime in the status bar' : ''}.
            </span>
          )}
          {notice && (
            <span className="banner tone-warn" role="status" onClick={() => setNotice(undefined)}>
              {notice} ✕
            </span>
          )}
        </div>
        <div className="content">
          {pod ? (
            <PodDetail key={`${pod.namespace}/${pod.name}`} namespace={pod.namespace} name={pod.name} initialTab={pod.tab} settings={settings} onBack={() => setPod(undefined)} onOpenPod={(ns, name) => setPod({ namespace: ns, name })} />
          ) : view === 'Pods' ? (
            <PodsView namespace={namespace} labelSelector={labelSelector} onClearSelector={() => setLabelSelector('')} onOpen={(ns, name) => setPod({ namespace: ns, name })} />
          ) : view === 'Workloads' ? (
            <WorkloadsView
              namespace={namespace}
              onShowPods={(selector) => {
                setLabelSelector(selector);
                go('Pods');
              }}
              onDebug={(ref) => {
                setWorkload(ref);
                go('Debugger');
              }}
            />
          ) : view === 'Resources' ? (
            <ResourcesView namespace={namespace} location={resourcesAt} onLocation={setResourcesAt} onOpenPod={(ns, name) => setPod({ namespace: ns, name })} />
          ) : view === 'Problems' ? (
            <ProblemsView namespace={namespace} onOpen={(ns, name) => setPod({ namespace: ns, name, tab: 'Debug' })} />
          ) : view === 'Debugger' ? (
            <DebuggerView namespace={namespace} workload={workload} onCloseWorkload={() => setWorkload(undefined)} />
          ) : view === 'Cluster' ? (
            <ClusterView />
          ) : view === 'Events' ? (
            <EventsView
              namespace={namespace}
              onOpenObject={(link) => {
                if (isPodLink(link) && link.namespace && link.name) return setPod({ namespace: link.namespace, name: link.name });
                const at = locationOf(link);
                if (!at) return;
                setResourcesAt(at);
                go('Resources');
              }}
            />
          ) : view === 'Apply YAML' ? (
            <ApplyView namespace={namespace} />
          ) : view === 'Samples' ? (
            <SamplesView
              onOpenPods={(ns, selector) => {
                setNamespace(ns);
                setLabelSelector(selector);
                go('Pods');
              }}
            />
          ) : (
            <SettingsView settings={settings} onChange={setSettings} />
          )}
        </div>
        <StatusBar status={status} onError={setNotice} />
      </div>
    </div>
  );
}

export function App() {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [status, setStatus] = useState<ClusterStatus>();
  const [settings, setSettings] = useState<Settings>();
  const [error, setError] = useState<string>();
  // Kept here, not in the workspace, so switching or creating a cluster from the Cluster view comes back to it.
  const [view, setView] = useState<View>('Pods');

  useEffect(() => {
    if (!bridge || !startup) return;
    const offConnection = bridge.onConnection(setConnection);
    const offStatus = startup.onStatus(setStatus);
    startup.statusAsked.catch((err) => setError(errorInfo(err).message));
    startup.settings.then(setSettings, (err) => setError(errorInfo(err).message));
    return () => {
      offConnection();
      offStatus();
    };
  }, []);

  useEffect(() => {
    document.documentElement.dataset.theme = settings?.theme ?? 'dark';
  }, [settings?.theme]);

  if (!bridge || connection === 'refused') return <LockedScreen />;
  if (connection === 'lost')
    return (
      <main className="locked">
        <h1>PodLab</h1>
        <p>The connection to PodLab was lost: is <b>podlab serve</b> still running? Start it again and open the new URL it prints.</p>
      </main>
    );
  if (error)
    return (
      <main className="locked">
        <h1>PodLab</h1>
        <p role="alert">{error}</p>
      </main>
    );
  if (!status || !settings) return <main className="locked muted">Connecting…</main>;
  return (
    <ClusterStatusContext.Provider value={status}>
      {status.phase === 'running' ? <Workspace status={status} settings={settings} setSettings={setSettings} view={view} setView={setView} /> : <StartupScreen status={status} />}
    </ClusterStatusContext.Provider>
  );
}
