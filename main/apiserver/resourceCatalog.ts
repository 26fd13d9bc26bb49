// Every served resource type, looked up by URL (group, version, plural) or by
// kind: the one index discovery, OpenAPI, the dispatcher and clients share.
// It changes while the server runs (a CRD becoming Established adds its
// versions, deleting it removes them); whoever derives something from it
// (discovery documents, OpenAPI, the garbage collector's informers) listens
// for changes or rebuilds when `generation` moves.

import type { ResourceDefinition } from './registry/resourceDefinition.ts';
import type { RegistryDeps } from './registry/registry.ts';
import { ResourceRegistry } from './registry/registry.ts';

export interface GroupVersion {
  group: string;
  version: string;
}

const pathKey = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`;

export class ResourceCatalog {
  private readonly byPath = new Map<string, ResourceRegistry>();
  private readonly byKind = new Map<string, ResourceRegistry>();
  private readonly listeners = new Set<() => void>();
  /** Moves at every add or remove: caches of derived documents compare it. */
  generation = 0;

  constructor(
    definitions: ResourceDefinition[],
    private readonly deps: RegistryDeps,
  ) {
    for (const def of definitions) this.put(def);
  }

  /** The registries in the order discovery lists them (built-ins as registered, then added kinds). */
  get registries(): ResourceRegistry[] {
    return [...this.byPath.values()];
  }

  registry(group: string, version: string, plural: string): ResourceRegistry | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  registryForKind(group: string, version: string, kind: string): ResourceRegistry | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Serves a resource version from now on (replacing one at the same path), and tells the listeners. */
  add(def: ResourceDefinition): ResourceRegistry {
    const registry = this.put(def);
    this.changed();
    return registry;
  }

  /** Stops serving a resource version; its stored objects stay (whoever removes the kind deletes them first). */
  remove(group: string, version: string, plural: string): void {
    const registry = this.byPath.get(pathKey(group, version, plural));
    if (!registry) return;
    this.byPath.delete(pathKey(group, version, plural));
    const kindKey = `${group}/${version}/${registry.def.kind}`;
    if (this.byKind.get(kindKey) === registry) this.byKind.delete(kindKey);
    registry.close();
    this.changed();
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Group-versions in the order discovery lists them (core first, then as registered). */
  groupVersions(): GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const { def } of this.byPath.values()) {
      const key = `${def.group}/${def.version}`;
      if (!seen.has(key)) seen.set(key, { group: def.group, version: def.version });
    }
    return [...seen.values()];
  }

  definitions(): ResourceDefinition[] {
    return this.registries.map((r) => r.def);
  }

  private put(def: ResourceDefinition): ResourceRegistry {
    // A replaced definition (a CRD changed) ends its watches: clients relist and see the new shape.
    this.byPath.get(pathKey(def.group, def.version, def.plural))?.close();
    const registry = new ResourceRegistry(def, this.deps);
    this.byPath.set(pathKey(def.group, def.version, def.plural), registry);
    this.byKind.set(`${def.group}/${def.version}/${def.kind}`, registry);
    return registry;
  }

  private changed(): void {
    this.generation++;
    for (const listener of [...this.listeners]) listener();
  }
}
