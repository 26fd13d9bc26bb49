// Kinds answered from memory, never stored: metrics.k8s.io's NodeMetrics and
// PodMetrics, which kube-apiserver proxies to metrics-server and PodLab
// computes itself. Only get and list (ResourceDefinition.verbs); the
// dispatcher hands them to the provider registered for the resource, with
// label and field selectors already parsed.

import type { KubeObject } from '../kube/meta.ts';
import type { ResourceDefinition } from './registry/resourceDefinition.ts';

export interface ReadOnlyProvider {
  /** Every object in `namespace` ('' for all), before selectors. */
  list(namespace: string): KubeObject[] | Promise<KubeObject[]>;
}

export class ReadOnlyResources {
  private readonly providers = new Map<string, ReadOnlyProvider>();

  register(def: Pick<ResourceDefinition, 'group' | 'plural'>, provider: ReadOnlyProvider): void {
    this.providers.set(`${def.group}/${def.plural}`, provider);
  }

  providerFor(def: Pick<ResourceDefinition, 'group' | 'plural'>): ReadOnlyProvider | undefined {
    return this.providers.get(`${def.group}/${def.plural}`);
  }
}
