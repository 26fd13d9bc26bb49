// How fast the node agents and the node lifecycle controller react. Two
// profiles: `kubernetes` keeps the upstream defaults exactly; `desktop` (the
// default) shortens what makes a laptop cluster feel stuck (a dead node
// noticed in 20 s instead of 40 s, a crash loop that backs off from 2 s to
// 1 min instead of 10 s to 5 min) while keeping every mechanism the same.
// PODLAB_TIMINGS=kubernetes selects the upstream values.

export interface Timings {
  /** Lease renewal (kubelet: 10 s, a quarter of the 40 s lease duration). */
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  /** How often the kubelet computes node status (nodeStatusUpdateFrequency, 10 s). */
  nodeStatusUpdateMs: number;
  /** Posts unchanged node status this often anyway (nodeStatusReportFrequency, 5 min). */
  nodeStatusReportMs: number;
  /** Container restart back-off (10 s doubling to 5 min). */
  crashLoopInitialMs: number;
  crashLoopMaxMs: number;
  /** Image pull back-off (10 s doubling to 5 min). */
  imagePullInitialMs: number;
  imagePullMaxMs: number;
  /** Every pod is synced at least this often (syncFrequency, 1 min). */
  podResyncMs: number;
  /** Relist of the runtime's containers, a fallback beside its event stream (evented PLEG: 300 s). */
  plegRelistMs: number;
  /** PLEG is unhealthy when no relist succeeded for this long (3 min). */
  plegUnhealthyMs: number;
  /** Runtime health check period (5 s) and how long without an answer before "container runtime is down" (30 s). */
  runtimeCheckMs: number;
  runtimeDownMs: number;
  /** Orphan cleanup and similar housekeeping (2 s). */
  housekeepingMs: number;
  /** Node lifecycle controller: how often it looks (nodeMonitorPeriod, 5 s) and the grace before a silent node is Unknown (40 s). */
  nodeMonitorPeriodMs: number;
  nodeMonitorGraceMs: number;
}

export const kubernetesTimings: Timings = {
  leaseRenewMs: 10_000,
  leaseDurationSeconds: 40,
  nodeStatusUpdateMs: 10_000,
  nodeStatusReportMs: 5 * 60_000,
  crashLoopInitialMs: 10_000,
  crashLoopMaxMs: 5 * 60_000,
  imagePullInitialMs: 10_000,
  imagePullMaxMs: 5 * 60_000,
  podResyncMs: 60_000,
  plegRelistMs: 10_000,
  plegUnhealthyMs: 3 * 60_000,
  runtimeCheckMs: 5_000,
  runtimeDownMs: 30_000,
  housekeepingMs: 2_000,
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGraceMs: 40_000,
};

export const desktopTimings: Timings = {
  ...kubernetesTimings,
  leaseRenewMs: 5_000,
  leaseDurationSeconds: 20,
  nodeStatusUpdateMs: 5_000,
  nodeStatusReportMs: 60_000,
  crashLoopInitialMs: 2_000,
  crashLoopMaxMs: 60_000,
  imagePullInitialMs: 2_000,
  imagePullMaxMs: 60_000,
  plegUnhealthyMs: 60_000,
  runtimeCheckMs: 2_000,
  runtimeDownMs: 10_000,
  // Orphans are rare on a desktop: look for them less often than the kubelet's 2 s.
  housekeepingMs: 10_000,
  nodeMonitorPeriodMs: 2_000,
  nodeMonitorGraceMs: 20_000,
};

export type TimingsProfile = 'desktop' | 'kubernetes';

export function timingsFor(profile: TimingsProfile | undefined = process.env.PODLAB_TIMINGS as TimingsProfile | undefined): Timings {
  return profile === 'kubernetes' ? kubernetesTimings : desktopTimings;
}
