// Where probe outcomes meet the kubelet: the sync decision restarts a
// container whose liveness or startup probe failed, and the status marks a
// container ready or started from them. Probes themselves come later; until
// then `noProbes` answers "never ran", which for a container with no probe
// declared means ready once running, as in Kubernetes.

export type ProbeResult = 'success' | 'failure';
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeResults {
  /** The last result for this container instance, undefined while the probe has not run. */
  get(kind: ProbeKind, containerId: string): ProbeResult | undefined;
}

export const noProbes: ProbeResults = { get: () => undefined };
