// The kubelet's /configz: {"kubeletconfig": {...}}, the KubeletConfiguration
// (kubelet.config.k8s.io/v1beta1) the kubelet runs with, its kind and
// apiVersion left out as the kubelet leaves them out (the docs' recipe adds
// them back with jq). Only the settings PodLab's kubelet applies are listed,
// with the values it applies: a field shown here is a promise about
// behaviour, so what PodLab does not do (eviction thresholds, image garbage
// collection, static pods, CPU and memory managers) is absent rather than
// shown at a default it would not honour.

import { goDuration } from '../../kube/goFormat.ts';
import type { DnsSettings } from '../sandboxConfig.ts';
import type { Timings } from '../timings.ts';

/** The port the kubelet serves on (KubeletConfiguration.port), which its Node reports as daemonEndpoints.kubeletEndpoint. */
export const KUBELET_PORT = 10250;

export interface KubeletSettings {
  timings: Timings;
  dns: DnsSettings;
  /** The node's pod capacity. */
  maxPods: number;
  /** Per pod; 0: unlimited (shown as -1, the kubelet's "no limit"). */
  podPidsLimit: number;
}

export function kubeletConfiguration(settings: KubeletSettings): Record<string, unknown> {
  const { timings, dns } = settings;
  return {
    enableServer: true,
    syncFrequency: goDuration(timings.podResyncMs),
    port: KUBELET_PORT,
    // Requests reach the kubelet only through the API server's nodes/proxy, after its own authorization.
    authorization: { mode: 'Webhook' },
    clusterDomain: dns.clusterDomain,
    ...(dns.clusterDNS.length > 0 ? { clusterDNS: [...dns.clusterDNS] } : {}),
    nodeStatusUpdateFrequency: goDuration(timings.nodeStatusUpdateMs),
    nodeStatusReportFrequency: goDuration(timings.nodeStatusReportMs),
    nodeLeaseDurationSeconds: timings.leaseDurationSeconds,
    maxPods: settings.maxPods,
    podPidsLimit: settings.podPidsLimit > 0 ? settings.podPidsLimit : -1,
    nodeStatusMaxImages: 50,
    enforceNodeAllocatable: ['pods'],
    registerNode: true,
  };
}
