// Where the resource browser is: a kind, and maybe one of its objects. Links
// from elsewhere (an event's object, an owner reference) name a kind by
// apiVersion and kind, as Kubernetes' references do.

export interface ResourceLocation {
  /** The API group; undefined when the reference did not say (the first group serving the kind is taken). */
  group: string | undefined;
  kind: string;
  object?: { namespace?: string; name: string };
}

/** A reference to an object as ownerReferences and events' involvedObject hold it. */
export interface ObjectLink {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export function groupOf(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined || apiVersion === '') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function locationOf(link: ObjectLink): ResourceLocation | undefined {
  if (!link.kind || !link.name) return undefined;
  return { group: groupOf(link.apiVersion), kind: link.kind, object: { ...(link.namespace ? { namespace: link.namespace } : {}), name: link.name } };
}

export function isPodLink(link: ObjectLink): boolean {
  return link.kind === 'Pod' && (groupOf(link.apiVersion) ?? '') === '';
}
