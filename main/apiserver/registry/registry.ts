// The generic storage of one resource type, as Kubernetes' registry/generic
// Store: CRUD, list with selectors and pagination, watch, graceful deletion and
// finalizers, over the key-value store. Everything kind-specific comes from the
// ResourceDefinition's strategy; everything request-specific (admission, who)
// comes in a WriteContext.

import type { KeyValue, Store, WatchTrigger } from '../../store/store.ts';
import { isStoreError } from '../../store/store.ts';
import type { AdmissionChain, AdmissionAttributes, Operation } from '../admission/admission.ts';
import type { UserInfo } from '../auth/user.ts';
import { errors, StatusError, toStatusError } from '../errors.ts';
import type { FieldError, KubeList, KubeObject, ManagedFieldsEntry, Status } from '../../kube/meta.ts';
import { recordOwnership } from '../fieldmanager/ownership.ts';
import type { SchemaNode } from '../openapi/schemaLookup.ts';
import { decodeContinue, encodeContinue } from './continueToken.ts';
import { fillCreateMetadata, generateNameSuffix, keepServerMetadata, specOf } from './objectMeta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import type { ResourceDefinition } from './resourceDefinition.ts';
import type { ObjectFilter } from './selection.ts';
import { compileFilter, everything, requiredFieldValue } from './selection.ts';
import { validateMetadata, validateMetadataUpdate } from './metadataValidation.ts';
import type { RequestJourney } from '../../kube/trace/requestJourney.ts';
import { deepFreeze } from '../../kube/deepFreeze.ts';
import { deepCopy, isJsonShaped, jsonCopy } from '../../kube/deepCopy.ts';
import { getIfExists } from '../storedObject.ts';

export interface WriteContext {
  user: UserInfo;
  dryRun: boolean;
  /** Who owns what this write sets (managedFields): the fieldManager parameter, else the User-Agent's product. Absent: ownership is not tracked for this write. */
  manager?: string;
  /** The subresource the write came through, when it is not the one written (scale writes the main resource): recorded in managedFields. */
  viaSubresource?: string;
  /** A server-side apply: the object carries the managedFields the apply computed, and the write keeps them. */
  applied?: boolean;
  /** Warnings admission adds, passed to the client as `Warning:` headers. */
  warnings?: string[];
  /** The request creates a pod: admission, validation and the store write are recorded as its journey's spans. */
  journey?: RequestJourney;
  /** The caller only reads the answer (ApiRequest.readOnlyAnswer): it may be the watchers' shared object. */
  readOnlyAnswer?: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface RegistryWatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /** The stored value the object was decoded from, when it is one (watchText gives its JSON). */
  kv?: KeyValue;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  /** Deprecated: false asks for cascading deletion (and a 202 while the object lingers). */
  orphanDependents?: boolean;
}

export interface RegistryDeps {
  store: Store;
  admission: AdmissionChain;
  now: () => Date;
  /** The schema of a kind (for field ownership); undefined: every field is a leaf. */
  schemaFor?: (gvk: { group: string; version: string; kind: string }) => SchemaNode | undefined;
}

const maxConflictRetries = 20;

/**
 * A list answered from the stored JSON text (listServed): its items' text, each
 * item exactly as JSON.stringify of the decoded object writes it, so the HTTP
 * answer splices them instead of parsing and stringifying 10,000 pods.
 */
export const servedItemsJson = Symbol.for('podlab.servedItemsJson');

/** What a list answered by listServed carries under servedItemsJson; `parsed` once something read its items (which may then change). */
export interface ServedItemsJson {
  texts: string[];
  parsed: boolean;
}

/**
 * The served text of a stored object: the stored JSON with its resourceVersion
 * added where decode() puts it, last in metadata. Undefined when the text is not
 * of the shape this relies on (apiVersion, kind, then metadata, as encode() writes
 * them); the caller then decodes it.
 */
function servedText(kv: KeyValue, head: string): string | undefined {
  const known = metadataEnds.get(kv);
  const end = known?.head === head ? known.end : metadataEnd(kv.value, head);
  if (known?.head !== head) metadataEnds.set(kv, { head, end });
  if (end < 0) return undefined;
  const rv = `"resourceVersion":"${kv.modRevision}"`;
  return `${kv.value.slice(0, end)}${end === head.length ? rv : `,${rv}`}${kv.value.slice(end)}`;
}

/**
 * Where a stored value's metadata ends, by value: the store hands out the same
 * KeyValue while the key is unchanged (latestValues.ts), so a list of 10,000
 * pods scans each only once.
 */
const metadataEnds = new WeakMap<KeyValue, { head: string; end: number }>();

/** The index of the `}` that ends the metadata opened by `head`; -1 when the text is not of that shape. */
function metadataEnd(value: string, head: string): number {
  // A resourceVersion already in the text (only object references carry one) is left to decode().
  if (!value.startsWith(head) || value.includes('"resourceVersion"')) return -1;
  // The end of metadata: the first `}` after the head at nesting depth 0, strings skipped.
  let depth = 0;
  for (let i = head.length; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, over escapes.
      for (i++; i < value.length; i++) {
        const d = value.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return c === 0x7d ? i : -1;
      depth--;
    }
  }
  return -1;
}

export class ResourceRegistry {
  readonly groupResource: { group: string; resource: string };
  readonly apiVersion: string;
  /** Open watches, ended when the resource stops being served (its CRD was deleted). */
  private readonly watches = new Set<{ stop(): void }>();
  /** Store events' objects decoded once, frozen, shared by the watchers of one event (see watchView). */
  private readonly watchViews = new WeakMap<KeyValue, KubeObject>();
  /**
   * The objects of writes in flight, copied as JSON would give them back, by
   * store key with the text they are stored as: the write's watch event takes
   * its view from here rather than parsing the text it was just made from (a
   * third of the cost). Keyed by the short store key, not the text: hashing a
   * pod's text cost as much as a tenth of the parse. Each entry lives until
   * its write has answered.
   */
  private readonly viewsInFlight = new Map<string, { text: string; view: KubeObject }>();
  /** watchText's last answer (undefined text: not in the served form). */
  private lastWatchText: { kv: KeyValue; text: string | undefined } | undefined;
  /** How a stored object in this resource's served version begins (servedText). */
  private readonly servedHead: string;
  /** listShared's last answer per namespace, with the store's list it was made from. */
  private readonly sharedLists = new Map<string, { kvs: readonly KeyValue[]; views: readonly KubeObject[] }>();

  constructor(
    readonly def: ResourceDefinition,
    private readonly deps: RegistryDeps,
  ) {
    this.groupResource = { group: def.group, resource: def.plural };
    this.apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
    this.servedHead = `{"apiVersion":${JSON.stringify(this.apiVersion)},"kind":${JSON.stringify(def.kind)},"metadata":{`;
  }

  /** `/registry/<group>/<plural>/<namespace>/` (namespaced) or `/registry/<group>/<plural>/`, of the stored resource. Trailing slash: `default` must not match `default2`. */
  /** The kind's schema (built-in definitions or the CRD's), for field ownership. */
  schemaNode(): SchemaNode | undefined {
    return this.deps.schemaFor?.({ group: this.def.group, version: this.def.version, kind: this.def.kind });
  }

  prefix(namespace?: string): string {
    const stored = this.def.storage ?? this.def;
    const base = `/registry/${stored.group || 'core'}/${stored.plural}/`;
    return this.def.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  key(namespace: string, name: string): string {
    return this.def.namespaced ? `${this.prefix(namespace)}${name}` : `${this.prefix()}${name}`;
  }

  /** The object as stored (in the storage version), with the store's revision as its resourceVersion. */
  private stored(kv: KeyValue): KubeObject {
    const obj = JSON.parse(kv.value) as KubeObject;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  /** A stored object in the served version, for what only reads it (selectors); a conversion webhook is not called here. */
  decode(kv: KeyValue): KubeObject {
    const stored = this.stored(kv);
    const obj = this.def.storage ? this.def.storage.fromStorage(stored) : stored;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
    return obj;
  }

  /**
   * A stored object in the served version that its caller may change: a copy
   * of the object watchers were handed when there is one (a third of what
   * parsing the text again costs; the store hands its watchers and its gets
   * the same KeyValue), else decoded.
   */
  private decodeCopy(kv: KeyValue): KubeObject {
    const view = this.watchViews.get(kv);
    return view ? deepCopy(view) : this.decode(kv);
  }

  /**
   * A write's answer. The store's watch event for the write carries the same
   * KeyValue, so while the resource is watched the answer decodes the object
   * the watchers will then share, and copies it.
   */
  private async written(kv: KeyValue, ctx?: WriteContext, own?: KubeObject): Promise<KubeObject> {
    if (this.def.storage?.convert || this.watches.size === 0) {
      // Nobody watches, so no view was made: a caller that only reads the answer gets the object the request
      // wrote, when it is what decoding the stored text gives, instead of a decoding of it (an event per
      // container start is written this way and its answer only named).
      if (own && ctx?.readOnlyAnswer && !this.def.storage && isJsonShaped(own)) return this.servedAsWritten(own, kv);
      return this.servedOne(kv);
    }
    const view = this.watchView(kv);
    return ctx?.readOnlyAnswer ? view : deepCopy(view);
  }

  /** Stored objects in the served version; a conversion webhook gets one call for all that are stored in another version. */
  private async served(kvs: readonly KeyValue[]): Promise<KubeObject[]> {
    const convert = this.def.storage?.convert;
    if (!convert) return kvs.map((kv) => this.decodeCopy(kv));
    return convert(kvs.map((kv) => this.stored(kv)), this.apiVersion);
  }

  private async servedOne(kv: KeyValue): Promise<KubeObject> {
    return (await this.served([kv]))[0]!;
  }

  /** The object a request wrote, as decoding its stored text gives it: the served version, with the store's revision. */
  private servedAsWritten(own: KubeObject, kv: KeyValue): KubeObject {
    const served = this.servedForStorage(own);
    served.metadata.resourceVersion = String(kv.modRevision);
    return served;
  }

  private servedForStorage(obj: KubeObject): KubeObject {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return { ...obj, apiVersion: this.apiVersion, kind: this.def.kind, metadata };
  }

  private async encode(obj: KubeObject): Promise<string> {
    const served = this.servedForStorage(obj);
    const storage = this.def.storage;
    if (storage?.convert) return JSON.stringify((await storage.convert([served], storage.apiVersion))[0]);
    return JSON.stringify(storage ? { ...storage.toStorage(served), apiVersion: storage.apiVersion } : served);
  }

  /**
   * Stores `obj` with `write`, its encoding's watch view made from the object
   * (kinds stored as they are served, while watched; see viewsInFlight).
   */
  private async writeEncoded(key: string, obj: KubeObject, write: (text: string) => Promise<KeyValue>): Promise<KeyValue> {
    if (this.def.storage || this.watches.size === 0) return write(await this.encode(obj));
    const served = this.servedForStorage(obj);
    const text = JSON.stringify(served);
    // The object itself is the view when it already is what parsing its text gives (nothing undefined, only plain
    // objects and arrays): the request made it, and changes nothing in it once it is written.
    const inFlight = { text, view: isJsonShaped(served) ? served : jsonCopy(served) };
    this.viewsInFlight.set(key, inFlight);
    try {
      const kv = await write(text);
      // The write answered before its watch event went out (the store batches): the view is the answer's already.
      if (!this.watchViews.has(kv)) {
        const view = this.inFlightView(kv);
        if (view) this.watchViews.set(kv, deepFreeze(view));
      }
      return kv;
    } finally {
      // A later write of the same key may have taken the entry over.
      if (this.viewsInFlight.get(key) === inFlight) this.viewsInFlight.delete(key);
    }
  }

  private notFound(name: string): StatusError {
    return errors.notFound(this.groupResource, name);
  }

  private storeError(err: unknown, name: string): StatusError {
    return toStatusError(err, this.groupResource, name);
  }

  /** `shared`: the caller only reads the object, which is then getShared's (the one watchers share, frozen), not a copy. */
  async get(namespace: string, name: string, { shared = false }: { shared?: boolean } = {}): Promise<KubeObject> {
    if (shared) {
      const obj = await this.getShared(namespace, name);
      if (!obj) throw this.notFound(name);
      return obj;
    }
    const { kv } = await this.deps.store.get(this.key(namespace, name)).catch((e) => {
      throw this.storeError(e, name);
    });
    if (!kv) throw this.notFound(name);
    return this.servedOne(kv);
  }

  /** A stored object for a write that builds on it without changing it: the one watchers share (frozen), or a converted copy. */
  private async readOnly(kv: KeyValue): Promise<KubeObject> {
    return this.def.storage?.convert ? this.servedOne(kv) : this.watchView(kv);
  }

  /**
   * list() for an answer that is only serialized (a list over HTTP): with no
   * conversion and no selector, the items stay the stored JSON text (plus their
   * resourceVersion) and are parsed only if something reads `items`.
   */
  async listServed(namespace: string, options: ListOptions = {}): Promise<KubeList> {
    const plain = !this.def.storage && !options.labelSelector && !options.fieldSelector && !options.limit && !options.continue && options.resourceVersionMatch !== 'Exact';
    if (!plain) return this.list(namespace, options);
    const page = await this.deps.store.range(this.prefix(namespace)).catch((err) => {
      throw this.storeError(err, '');
    });
    const texts: string[] = [];
    for (const kv of page.kvs) {
      const text = servedText(kv, this.servedHead);
      if (text === undefined) return this.list(namespace, options);
      texts.push(text);
    }
    let items: KubeObject[] | undefined;
    const served: ServedItemsJson = { texts, parsed: false };
    return Object.defineProperties({ apiVersion: this.apiVersion, kind: `${this.def.kind}List`, metadata: { resourceVersion: String(page.revision) } } as KubeList, {
      items: {
        enumerable: true,
        get: () => {
          served.parsed = true;
          return (items ??= texts.map((text) => JSON.parse(text) as KubeObject));
        },
        set: (value: KubeObject[]) => {
          served.parsed = true;
          items = value;
        },
      },
      [servedItemsJson]: { value: served },
    });
  }

  /**
   * For readers that change nothing and keep nothing: admission's lookups of
   * namespaces, service accounts and its own configuration (webhooks,
   * policies, limit ranges, priority classes) on every write. They get the
   * shared, frozen objects the watchers get, decoded once per stored version
   * rather than on each request, as kube-apiserver's plugins read informer
   * caches. A kind converted by a webhook is listed as usual.
   */
  async listShared(namespace: string): Promise<readonly KubeObject[]> {
    if (this.def.storage?.convert) return (await this.list(namespace)).items;
    const page = await this.deps.store.range(this.prefix(namespace)).catch((err) => {
      throw this.storeError(err, '');
    });
    return this.sharedViews(namespace, page.kvs);
  }

  /**
   * listShared at once, when the store holds the list in memory; undefined
   * when only listShared can tell. Admission's webhook and policy plugins,
   * which find none configured on most writes, then cost no promise.
   */
  peekListShared(namespace: string): readonly KubeObject[] | undefined {
    if (this.def.storage?.convert) return undefined;
    const kvs = this.deps.store.rangeCached?.(this.prefix(namespace));
    return kvs && this.sharedViews(namespace, kvs);
  }

  private sharedViews(namespace: string, kvs: readonly KeyValue[]): readonly KubeObject[] {
    // The store hands back the same list while nothing under the prefix changed (latestValues.ts): so are the views.
    const shared = this.sharedLists.get(namespace);
    if (shared?.kvs === kvs) return shared.views;
    const views = Object.freeze(kvs.map((kv) => this.watchView(kv)));
    if (this.sharedLists.size >= 64) this.sharedLists.clear();
    this.sharedLists.set(namespace, { kvs, views });
    return views;
  }

  /**
   * getShared at once, when the store holds the object in memory: the object
   * (shared and frozen), or null when there is none; undefined when only
   * getShared can tell. Admission's namespace check on every create then
   * costs no promise.
   */
  peekShared(namespace: string, name: string): KubeObject | null | undefined {
    if (this.def.storage?.convert) return undefined;
    const cached = this.deps.store.getCached?.(this.key(namespace, name));
    if (!cached) return undefined;
    return cached.kv ? this.watchView(cached.kv) : null;
  }

  /** One object as listShared gives them (shared and frozen), or undefined when there is none. */
  async getShared(namespace: string, name: string): Promise<KubeObject | undefined> {
    if (this.def.storage?.convert) return getIfExists(this, namespace, name);
    const { kv } = await this.deps.store.get(this.key(namespace, name)).catch((e) => {
      throw this.storeError(e, name);
    });
    return kv ? this.watchView(kv) : undefined;
  }

  async list(namespace: string, options: ListOptions = {}): Promise<KubeList> {
    const filter = compileFilter(this.def, options.labelSelector, options.fieldSelector);
    const prefix = this.prefix(namespace);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let revision: number | undefined;
    let startKey: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue, prefix);
      revision = token.revision;
      startKey = token.startKey;
    } else if (options.resourceVersion && options.resourceVersionMatch === 'Exact') {
      revision = Number(options.resourceVersion);
    }
    const items: KubeObject[] = [];
    let more = false;
    let lastKey = '';
    try {
      // Filtered lists keep reading pages until the limit is filled, as the real registry does.
      for (;;) {
        const page = await this.deps.store.range(prefix, { revision, startKey, limit: limit ? limit - items.length : 0 });
        revision = page.revision;
        const objects = await this.served(page.kvs);
        for (const [i, kv] of page.kvs.entries()) {
          lastKey = kv.key;
          if (filter(objects[i]!)) items.push(objects[i]!);
        }
        if (!page.more) break;
        startKey = `${lastKey}\x00`;
        if (limit && items.length >= limit) {
          more = true;
          break;
        }
      }
    } catch (err) {
      if (isStoreError(err, 'Compacted')) {
        throw errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw this.storeError(err, '');
    }
    return {
      apiVersion: this.apiVersion,
      kind: `${this.def.kind}List`,
      metadata: {
        resourceVersion: String(revision ?? 0),
        ...(more ? { continue: encodeContinue(revision ?? 0, `${lastKey}\x00`, prefix) } : {}),
      },
      items,
    };
  }

  /**
   * Watches from a resourceVersion: absent or "0" starts with ADDED events for
   * what exists now, as Kubernetes' "get state and start at most recent" does.
   * Objects that stop (or start) matching the selectors are seen as DELETED (ADDED).
   */
  async watch(
    namespace: string,
    options: WatchOptions,
    onEvent: (event: RegistryWatchEvent) => void,
    onEnd: (status?: Status) => void,
  ): Promise<{ stop(): void; revision: number }> {
    const filter = compileFilter(this.def, options.labelSelector, options.fieldSelector);
    const trigger = this.watchTrigger(options.fieldSelector);
    const prefix = this.prefix(namespace);
    const store = this.deps.store;
    let startRevision: number;
    const requested = options.resourceVersion ? Number(options.resourceVersion) : 0;
    if (!Number.isInteger(requested) || requested < 0) throw errors.badRequest(`invalid resource version: ${options.resourceVersion}`);
    if (requested > 0) {
      const current = await store.currentRevision();
      if (requested > current) throw errors.tooLargeResourceVersion(requested, current);
      startRevision = requested + 1;
    } else {
      const initial = await this.list(namespace, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
      for (const obj of initial.items) onEvent({ type: 'ADDED', object: obj });
      startRevision = Number(initial.metadata.resourceVersion) + 1;
    }
    let stopped = false;
    // Assigned below, before any store event can arrive.
    let handle: { stop(): void; revision: number } = { stop: () => undefined, revision: 0 };
    const convert = this.def.storage?.convert;
    // With a conversion webhook, events are converted one after another, so they still arrive in order.
    let converting = Promise.resolve();
    const watch = store.watch(
      prefix,
      (event) => {
        if (stopped) return;
        const converted = this.convertWatchEvent(event.type, event.kv, event.prevKv, filter);
        if (!converted) return;
        if (!convert) return onEvent(converted);
        converting = converting.then(async () => {
          if (stopped) return;
          try {
            const object = await this.servedOne(event.kv);
            if (!stopped) onEvent({ type: converted.type, object });
          } catch (err) {
            if (stopped) return;
            stopped = true;
            this.watches.delete(handle);
            watch.cancel();
            onEnd(toStatusError(err).status);
          }
        });
      },
      {
        startRevision,
        ...(trigger ? { trigger } : {}),
        onError: (err) => {
          if (stopped) return;
          stopped = true;
          this.watches.delete(handle);
          onEnd(isStoreError(err, 'Compacted') ? errors.expired(`too old resource version: ${requested} (${err.message})`).status : toStatusError(err).status);
        },
      },
    );
    handle = {
      revision: startRevision - 1,
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.watches.delete(handle);
        watch.cancel();
        onEnd();
      },
    };
    this.watches.add(handle);
    return handle;
  }

  /**
   * The field value this kind's watches are indexed by, worked out once per
   * stored version for all of them (the store asks it of each event), as the
   * watchers' field selectors read it.
   */
  private readonly triggerIndex = (kv: KeyValue): string => {
    const field = this.def.strategy.watchTrigger!;
    return this.def.strategy.selectableFields?.[field]?.(this.watchView(kv)) ?? '';
  };

  /** The store's trigger for a watch whose field selector asks for one value of the kind's indexed field. */
  private watchTrigger(fieldSelector: string | undefined): WatchTrigger | undefined {
    const field = this.def.strategy.watchTrigger;
    // A kind converted by a webhook decodes its events only for the watchers that keep them.
    if (!field || this.def.storage?.convert) return undefined;
    const value = requiredFieldValue(fieldSelector, field);
    return value === undefined ? undefined : { index: this.triggerIndex, value };
  }

  /** The resource is no longer served: its watches end, as kube-apiserver closes them when a CRD's storage goes. */
  close(): void {
    for (const handle of [...this.watches]) handle.stop();
  }

  /**
   * The object of a store event, decoded once for all the watchers the store
   * hands that same event to: their selectors read it and the watchers that
   * keep the event get it, frozen (deepFreeze), as client-go's informers
   * share one read-only object. With a kubelet per node each watching its own
   * pods and a dozen informers, decoding a copy for each was the API server's
   * main cost, and each copy stayed in an informer's cache.
   */
  private watchView(kv: KeyValue): KubeObject {
    let view = this.watchViews.get(kv);
    if (!view) {
      view = deepFreeze(this.inFlightView(kv) ?? this.decode(kv));
      this.watchViews.set(kv, view);
    }
    return view;
  }

  /** The view of a write of this process still in flight (decode's result, without the parse). */
  private inFlightView(kv: KeyValue): KubeObject | undefined {
    if (this.viewsInFlight.size === 0) return undefined;
    const inFlight = this.viewsInFlight.get(kv.key);
    if (!inFlight || inFlight.text !== kv.value) return undefined;
    // Taken once: another write of the same text gets a view of its own revision.
    this.viewsInFlight.delete(kv.key);
    inFlight.view.metadata.resourceVersion = String(kv.modRevision);
    return inFlight.view;
  }

  private convertWatchEvent(type: 'PUT' | 'DELETE', kv: KeyValue, prevKv: KeyValue | undefined, filter: ObjectFilter): RegistryWatchEvent | undefined {
    const object = this.watchView(kv);
    const matches = filter(object);
    if (type === 'DELETE') return matches ? { type: 'DELETED', object, kv } : undefined;
    // Without selectors the previous object need not be decoded to know it matched.
    const prevMatches = prevKv ? filter === everything || filter(this.watchView(prevKv)) : false;
    if (matches) return { type: prevKv && prevMatches ? 'MODIFIED' : 'ADDED', object, kv };
    // It matched before and no longer does: for this watcher it is gone.
    return prevMatches ? { type: 'DELETED', object, kv } : undefined;
  }

  /**
   * The JSON of a watch event's object (watchView(kv)), made from the stored
   * text once for every HTTP watcher of the event, as kube-apiserver's watch
   * cache serializes an object once for all its watchers; undefined when the
   * text is not in the served form (another version, a converted kind).
   */
  watchText(kv: KeyValue): string | undefined {
    if (this.def.storage) return undefined;
    // The watchers of one event are handed it one after another: the last text made is the one asked for again.
    // Only that one is kept (a text per stored object would hold a second copy of every object).
    if (this.lastWatchText?.kv !== kv) this.lastWatchText = { kv, text: servedText(kv, this.servedHead) };
    return this.lastWatchText.text;
  }

  private attributes(operation: Operation, ctx: WriteContext, namespace: string, name: string, subresource: string, object?: KubeObject, oldObject?: KubeObject, deleteOptions?: DeleteOptions): AdmissionAttributes {
    return {
      operation,
      resource: this.def,
      subresource,
      namespace,
      name,
      object,
      oldObject,
      user: ctx.user,
      dryRun: ctx.dryRun,
      viaSubresource: ctx.viaSubresource,
      fieldManager: ctx.manager,
      deleteOptions: deleteOptions as Record<string, unknown> | undefined,
      warnings: ctx.warnings,
      ...(ctx.journey ? { journey: ctx.journey } : {}),
    };
  }

  private throwIfInvalid(obj: KubeObject, fieldErrors: FieldError[]): void {
    if (fieldErrors.length > 0) throw errors.invalid(this.def.kind, this.def.group, obj.metadata.name ?? obj.metadata.generateName ?? '', fieldErrors);
  }

  async create(namespace: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    const obj = deepCopy(body);
    if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
    const sentManagedFields = obj.metadata.managedFields;
    if (this.def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    const strategy = this.def.strategy;
    fillCreateMetadata(obj, this.deps.now());
    // Mutating admission (defaulting first) before the strategy, as Kubernetes defaults at decode time. A
    // generateName is no name yet: mutating admission (webhooks included) sees none, as in kube-apiserver,
    // which generates it afterwards (rest.BeforeCreate), so validating admission sees the generated name.
    // Until then a refused create's journey is filed under the generateName, the name it was asked for.
    ctx.journey?.identify(namespace, obj.metadata.name ?? obj.metadata.generateName ?? '');
    await this.deps.admission.mutate(this.attributes('CREATE', ctx, namespace, obj.metadata.name ?? '', '', obj));
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    if (generated) obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
    const name = obj.metadata.name ?? '';
    ctx.journey?.identify(namespace, name);
    strategy.prepareForCreate?.(obj, ctx.user);
    const validating = ctx.journey?.start('admission', `validate ${this.def.kind}`, { kind: this.def.kind });
    try {
      this.throwIfInvalid(obj, [...validateMetadata(obj, this.def), ...(strategy.validate?.(obj) ?? [])]);
    } catch (err) {
      validating?.fail(err);
      throw err;
    }
    validating?.end();
    await this.deps.admission.validate(this.attributes('CREATE', ctx, namespace, name, '', obj));
    this.trackOwnership(obj, undefined, sentManagedFields, '', ctx);
    if (ctx.dryRun) {
      // As kube-apiserver's dry-run storage: a name already taken is AlreadyExists, even though nothing would be written.
      const { kv } = await this.deps.store.get(this.key(namespace, name)).catch((e) => {
        throw this.storeError(e, name);
      });
      if (kv) throw errors.alreadyExists(this.groupResource, name);
      return { ...obj, apiVersion: this.apiVersion, kind: this.def.kind };
    }
    for (let attempt = 0; ; attempt++) {
      const key = this.key(namespace, obj.metadata.name!);
      const writing = ctx.journey?.start('persist', 'write to store', { key });
      try {
        const kv = await this.writeEncoded(key, obj, (text) => this.deps.store.create(key, text));
        writing?.end({ attributes: { revision: kv.modRevision, resourceVersion: String(kv.modRevision) } });
        return this.written(kv, ctx, obj);
      } catch (err) {
        writing?.fail(err);
        // A generated name that collided gets another suffix, as Kubernetes retries.
        if (generated && isStoreError(err, 'KeyExists') && attempt < 5) {
          obj.metadata.name = `${obj.metadata.generateName}${generateNameSuffix()}`;
          continue;
        }
        throw this.storeError(err, obj.metadata.name!);
      }
    }
  }

  /**
   * Read-modify-write with compare-and-swap (Kubernetes' GuaranteedUpdate):
   * `tryUpdate` gets the current object and returns the desired one, or is
   * the replacement itself (a PUT's body, which needs no copy of the current
   * object to be made from). A resourceVersion in the desired object that is
   * not the current one is a 409; without one, a lost race is retried with a
   * fresh read.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    subresource: string,
    ctx: WriteContext,
    tryUpdate: ((current: KubeObject) => KubeObject | Promise<KubeObject>) | { replacement: KubeObject },
    /**
     * The request named no resourceVersion (a patch or apply that does not
     * name one): tryUpdate stamps the current one, and a write that lost a race
     * is tried again on the newest object, as kube-apiserver's GuaranteedUpdate
     * does, instead of answering 409.
     */
    options: { unconditional?: boolean } = {},
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    // A PUT of a status (the kubelet's, every controller's) changes nothing but the status: it is made from the
    // stored object as watchers share it (frozen) rather than from a copy, and shares its unchanged parts with it.
    const sharesCurrent = subresource === 'status' && typeof tryUpdate !== 'function' && !this.def.strategy.views?.status;
    const own = (obj: KubeObject) => (sharesCurrent && !ctx.readOnlyAnswer ? deepCopy(obj) : obj);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.deps.store.get(key).catch((e) => {
        throw this.storeError(e, name);
      });
      if (!kv) throw this.notFound(name);
      const current = sharesCurrent ? await this.readOnly(kv) : await this.servedOne(kv);
      const desired = deepCopy(typeof tryUpdate === 'function' ? await tryUpdate(deepCopy(current)) : tryUpdate.replacement);
      const requestedVersion = desired.metadata?.resourceVersion;
      if (requestedVersion && requestedVersion !== current.metadata.resourceVersion) throw errors.staleObject(this.groupResource, name);
      const updated = await this.prepareUpdate(namespace, name, subresource, ctx, desired, current);
      if (deepEqual(updated, current)) return own(current);
      if (ctx.dryRun) return own(updated);
      try {
        if (this.shouldDeleteDuringUpdate(updated, current)) {
          const deleted = await this.deps.store.delete(key, kv.modRevision);
          return this.written(deleted, ctx);
        }
        return this.written(await this.writeEncoded(key, updated, (text) => this.deps.store.update(key, text, kv.modRevision)), ctx);
      } catch (err) {
        if (isStoreError(err, 'Conflict') && (!requestedVersion || options.unconditional) && attempt < maxConflictRetries) continue;
        if (isStoreError(err, 'Conflict')) throw errors.staleObject(this.groupResource, name);
        throw this.storeError(err, name);
      }
    }
  }

  private async prepareUpdate(namespace: string, name: string, subresource: string, ctx: WriteContext, desired: KubeObject, current: KubeObject): Promise<KubeObject> {
    const strategy = this.def.strategy;
    if (!desired.metadata || typeof desired.metadata !== 'object') desired.metadata = {};
    const sentManagedFields = desired.metadata.managedFields;
    if (desired.metadata.name !== undefined && desired.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (this.def.namespaced && desired.metadata.namespace && desired.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    let updated: KubeObject;
    const view = subresource ? strategy.views?.[subresource as keyof NonNullable<typeof strategy.views>] : undefined;
    if (view) {
      updated = view.prepare(desired, current);
    } else if (subresource === 'status') {
      // A status write changes status only (spec and metadata stay as stored; metadata gets this write's resourceVersion and managedFields).
      updated = { ...current, metadata: { ...current.metadata }, status: desired.status };
    } else {
      updated = { ...desired, apiVersion: this.apiVersion, kind: this.def.kind };
      updated.metadata = { ...desired.metadata, name, ...(this.def.namespaced ? { namespace } : {}) };
      if (!this.def.namespaced) delete updated.metadata.namespace;
      if (this.def.subresources.includes('status')) {
        if (current.status === undefined) delete updated.status;
        else updated.status = current.status;
      }
      keepServerMetadata(updated, current);
    }
    updated.metadata.resourceVersion = current.metadata.resourceVersion;
    // Defaults first, then the strategy, then the generation: an unchanged `kubectl apply` (which sends no defaulted fields) is not a new generation.
    await this.deps.admission.mutate(this.attributes('UPDATE', ctx, namespace, name, subresource, updated, current));
    if (!subresource) {
      strategy.prepareForUpdate?.(updated, current);
      if (current.metadata.generation !== undefined && !deepEqual(specOf(updated), specOf(current))) {
        updated.metadata.generation = current.metadata.generation + 1;
      }
    }
    const fieldErrors = view
      ? [...validateMetadataUpdate(updated, current, this.def), ...view.validateUpdate(updated, current)]
      : subresource === 'status'
        ? (strategy.validateStatusUpdate?.(updated, current) ?? [])
        : [...validateMetadataUpdate(updated, current, this.def), ...(strategy.validateUpdate?.(updated, current) ?? strategy.validate?.(updated) ?? [])];
    this.throwIfInvalid(updated, fieldErrors);
    await this.deps.admission.validate(this.attributes('UPDATE', ctx, namespace, name, subresource, updated, current));
    this.trackOwnership(updated, current, sentManagedFields, subresource, ctx);
    return updated;
  }

  /** managedFields after this write (fieldmanager/ownership.ts). */
  private trackOwnership(obj: KubeObject, old: KubeObject | undefined, sent: ManagedFieldsEntry[] | undefined, subresource: string, ctx: WriteContext): void {
    recordOwnership(obj, { def: this.def, schema: this.schemaNode(), now: this.deps.now, subresource: ctx.viaSubresource ?? subresource, manager: ctx.manager, applied: !!ctx.applied, live: old, sent });
  }

  /** An object held only by finalizers goes away when the last finalizer is removed (as the generic registry's shouldDeleteDuringUpdate). */
  private shouldDeleteDuringUpdate(updated: KubeObject, current: KubeObject): boolean {
    return (
      (updated.metadata.finalizers?.length ?? 0) === 0 &&
      (current.metadata.finalizers?.length ?? 0) > 0 &&
      !!current.metadata.deletionTimestamp &&
      // An object deleted with a grace period (a pod) goes with its owner's final delete instead.
      (current.metadata.deletionGracePeriodSeconds ?? 0) === 0
    );
  }

  /**
   * A compare-and-swap write that bypasses admission and the strategy, for
   * server-internal subresources that change fields users may not (pods/binding
   * sets spec.nodeName, as Kubernetes' BindingREST writes storage directly).
   * `mutate` returns the object to store and leaves the one it is given as it
   * is (the watchers' shared object, frozen). Nothing is answered: the
   * subresources that write this way answer a Status of their own.
   */
  async storageUpdate(namespace: string, name: string, mutate: (current: Readonly<KubeObject>) => KubeObject): Promise<void> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.deps.store.get(key).catch((e) => {
        throw this.storeError(e, name);
      });
      if (!kv) throw this.notFound(name);
      const updated = mutate(await this.readOnly(kv));
      try {
        await this.writeEncoded(key, updated, (text) => this.deps.store.update(key, text, kv.modRevision));
        return;
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < maxConflictRetries) continue;
        throw this.storeError(err, name);
      }
    }
  }

  /** PUT: the body replaces the stored object. */
  update(namespace: string, name: string, subresource: string, body: KubeObject, ctx: WriteContext): Promise<KubeObject> {
    return this.guaranteedUpdate(namespace, name, subresource, ctx, { replacement: body });
  }

  /**
   * DELETE: objects with finalizers, or a graceful deletion period, are only
   * marked (deletionTimestamp); the rest go at once. Returns the final object
   * (200 with the object while it lingers, as Kubernetes).
   */
  async delete(namespace: string, name: string, options: DeleteOptions, ctx: WriteContext): Promise<{ object: KubeObject; deleted: boolean }> {
    validatePropagationPolicy(options.propagationPolicy);
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const { kv } = await this.deps.store.get(key).catch((e) => {
        throw this.storeError(e, name);
      });
      if (!kv) throw this.notFound(name);
      const current = await this.servedOne(kv);
      this.checkPreconditions(current, options);
      await this.deps.admission.validate(this.attributes('DELETE', ctx, namespace, name, '', undefined, current, options));
      const marked = this.markForDeletion(current, options);
      try {
        if (marked) {
          if (ctx.dryRun || deepEqual(marked, current)) return { object: marked, deleted: false };
          const kvAfter = await this.writeEncoded(key, marked, (text) => this.deps.store.update(key, text, kv.modRevision));
          return { object: await this.written(kvAfter, ctx), deleted: false };
        }
        if (ctx.dryRun) return { object: current, deleted: true };
        return { object: await this.written(await this.deps.store.delete(key, kv.modRevision), ctx), deleted: true };
      } catch (err) {
        if (isStoreError(err, 'Conflict') && attempt < maxConflictRetries) continue;
        if (isStoreError(err, 'KeyNotFound')) throw this.notFound(name);
        throw this.storeError(err, name);
      }
    }
  }

  private checkPreconditions(current: KubeObject, options: DeleteOptions): void {
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw errors.conflict(this.groupResource, current.metadata.name ?? '', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw errors.conflict(
        this.groupResource,
        current.metadata.name ?? '',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
  }

  /** The object as it stays while deletion waits (finalizers or grace), or undefined to delete now. */
  private markForDeletion(current: KubeObject, options: DeleteOptions): KubeObject | undefined {
    const begin = this.def.strategy.beginDeletion;
    if (begin && !current.metadata.deletionTimestamp) return begin(deepCopy(current), this.deps.now());
    const grace = this.def.strategy.gracePeriodOnDelete?.(current, options.gracePeriodSeconds) ?? 0;
    // The garbage collector's finalizers are decided when deletion starts, not by later deletes.
    const finalizers = current.metadata.deletionTimestamp ? current.metadata.finalizers : deletionFinalizers(current.metadata.finalizers, options.propagationPolicy);
    const hasFinalizers = (finalizers?.length ?? 0) > 0;
    if (grace <= 0 && !hasFinalizers) {
      // An object already being deleted gracefully is removed only by its owner's final delete (grace 0).
      return undefined;
    }
    const marked = deepCopy(current);
    if (finalizers !== current.metadata.finalizers) marked.metadata.finalizers = finalizers;
    const now = this.deps.now();
    const existingGrace = current.metadata.deletionGracePeriodSeconds;
    if (!current.metadata.deletionTimestamp || (existingGrace !== undefined && grace < existingGrace)) {
      // A shorter grace period shortens a deletion in progress; a longer one never extends it.
      marked.metadata.deletionTimestamp = kubeTimestamp(new Date(now.getTime() + grace * 1000));
      marked.metadata.deletionGracePeriodSeconds = grace;
    }
    if (marked.metadata.generation !== undefined && !current.metadata.deletionTimestamp) marked.metadata.generation += 1;
    return marked;
  }

  async deleteCollection(namespace: string, listOptions: ListOptions, options: DeleteOptions, ctx: WriteContext): Promise<KubeList> {
    const list = await this.list(namespace, { labelSelector: listOptions.labelSelector, fieldSelector: listOptions.fieldSelector });
    const deleted: KubeObject[] = [];
    for (const item of list.items) {
      try {
        deleted.push((await this.delete(item.metadata.namespace ?? '', item.metadata.name ?? '', options, ctx)).object);
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) continue;
        throw err;
      }
    }
    return { ...list, items: deleted };
  }
}

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';
const propagationPolicies = ['Foreground', 'Background', 'Orphan'];

/** ValidateDeleteOptions: an unknown propagationPolicy is a 422 on DeleteOptions. */
function validatePropagationPolicy(policy: string | undefined): void {
  if (policy === undefined || propagationPolicies.includes(policy)) return;
  throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
}

/**
 * deletionFinalizersForGarbageCollection: propagationPolicy Orphan gives the
 * object the `orphan` finalizer (the garbage collector strips its dependents'
 * ownerReferences, then removes it), Foreground gives `foregroundDeletion`
 * (dependents that block their owner's deletion go first), Background neither.
 * Without a policy, a finalizer the object already carries decides (every kind
 * served here defaults to Background). Returns `existing` itself when unchanged.
 */
export function deletionFinalizers(existing: string[] | undefined, policy: string | undefined): string[] | undefined {
  const current = existing ?? [];
  const firstGC = current.find((f) => f === orphanFinalizer || f === foregroundFinalizer);
  const orphan = policy !== undefined ? policy === 'Orphan' : firstGC === orphanFinalizer;
  const foreground = policy !== undefined ? policy === 'Foreground' : firstGC === foregroundFinalizer;
  const next = current.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (orphan) next.push(orphanFinalizer);
  if (foreground) next.push(foregroundFinalizer);
  const same = next.length === current.length && next.every((f) => current.includes(f));
  if (same) return existing;
  return next.length > 0 ? next : undefined;
}

export function successStatus(def: ResourceDefinition, obj: KubeObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: def.group || undefined, kind: def.plural, uid: obj.metadata.uid },
    code: 200,
  };
}

