// Every served resource type, looked up by URL (group, version, plural) or by
// kind: the one index discovery, OpenAPI, the dispatcher and clients share.

import type { ResourceDefinition } from './registry/resourceDefinition.ts';
import type { RegistryDeps } from './registry/registry.ts';
import { ResourceRegistry } from './registry/registry.ts';

export interface GroupVersion {
  group: string;
  version: string;
}

export class ResourceCatalog {
  private readonly byPath = new Map<string, ResourceRegistry>();
  private readonly byKind = new Map<string, ResourceRegistry>();
  readonly registries: ResourceRegistry[] = [];

  constructor(definitions: ResourceDefinition[], deps: RegistryDeps) {
    for (const def of definitions) {
      const registry = new ResourceRegistry(def, deps);
      this.registries.push(registry);
      this.byPath.set(`${def.group}/${def.version}/${def.plural}`, registry);
      this.byKind.set(`${def.group}/${def.version}/${def.kind}`, registry);
    }
  }

  registry(group: string, version: string, plural: string): ResourceRegistry | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  registryForKind(group: string, version: string, kind: string): ResourceRegistry | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Group-versions in the order discovery lists them (core first, then as registered). */
  groupVersions(): GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const { def } of this.registries) {
      const key = `${def.group}/${def.version}`;
      if (!seen.has(key)) seen.set(key, { group: def.group, version: def.version });
    }
    return [...seen.values()];
  }

  definitions(): ResourceDefinition[] {
    return this.registries.map((r) => r.def);
  }
}
