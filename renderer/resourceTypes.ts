// The resource types the views show.

import type { ResourceType } from '../preload/api.ts';

const core = (plural: string): ResourceType => ({ group: '', version: 'v1', plural });
const apps = (plural: string): ResourceType => ({ group: 'apps', version: 'v1', plural });
const batch = (plural: string): ResourceType => ({ group: 'batch', version: 'v1', plural });
const storage = (plural: string): ResourceType => ({ group: 'storage.k8s.io', version: 'v1', plural });

export const resources = {
  pods: core('pods'),
  nodes: core('nodes'),
  events: core('events'),
  namespaces: core('namespaces'),
  services: core('services'),
  endpoints: core('endpoints'),
  configmaps: core('configmaps'),
  persistentvolumeclaims: core('persistentvolumeclaims'),
  persistentvolumes: core('persistentvolumes'),
  deployments: apps('deployments'),
  replicasets: apps('replicasets'),
  statefulsets: apps('statefulsets'),
  daemonsets: apps('daemonsets'),
  controllerrevisions: apps('controllerrevisions'),
  jobs: batch('jobs'),
  cronjobs: batch('cronjobs'),
  ingresses: { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' },
  networkpolicies: { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' },
  storageclasses: storage('storageclasses'),
  podMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods' },
} satisfies Record<string, ResourceType>;
