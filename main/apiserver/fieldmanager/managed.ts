// metadata.managedFields decoded for the field manager, as apimachinery's
// DecodeManagedFields and encodeManagedFields do: each entry becomes a field
// set under a manager identifier (the entry without its fields and time, and
// without apiVersion for appliers, as JSON), and back, sorted by operation,
// time, manager, apiVersion and subresource.

import type { ManagedFieldsEntry } from '../../kube/meta.ts';
import { FieldSet } from './fieldSet.ts';
import { fromFieldsV1, toFieldsV1, type FieldsV1 } from './fieldsV1.ts';
import { serializePathElement } from './pathElement.ts';
import { realClock } from '../../kube/clock.ts';
import { RecentlyUsed } from '../../kube/recentlyUsed.ts';

/** The decoded sets always kept (the most recently used), and how long the others are kept after their last use. */
export const DECODED_SETS_FLOOR = 1024;
export const DECODED_SETS_KEPT_MS = 30_000;

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

/** BuildManagerIdentifier: the entry's manager, operation, apiVersion (updates only) and subresource, as Go's JSON writes them. */
export function managerIdentifier(entry: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = {};
  if (entry.manager) id.manager = entry.manager;
  if (entry.operation) id.operation = entry.operation;
  if (entry.apiVersion && entry.operation !== 'Apply') id.apiVersion = entry.apiVersion;
  if (entry.subresource) id.subresource = entry.subresource;
  return JSON.stringify(id);
}

type Identifier = Readonly<{ manager?: string; operation?: string; apiVersion?: string; subresource?: string }>;

// Identifiers parsed: a cluster has a few dozen, and every write encodes each entry of its object.
const identifiers = new Map<string, Identifier>();
const IDENTIFIERS_KEPT = 1024;

export function parseIdentifier(id: string): Identifier {
  let parsed = identifiers.get(id);
  if (!parsed) {
    try {
      parsed = Object.freeze(JSON.parse(id) as Identifier);
    } catch {
      parsed = Object.freeze({ manager: id });
    }
    if (identifiers.size >= IDENTIFIERS_KEPT) identifiers.clear();
    identifiers.set(id, parsed);
  }
  return parsed;
}

/**
 * The sets decoded from stored FieldsV1 that cannot change (frozen: the
 * watchers' shared objects, which consecutive versions of an object share
 * for the entries a write left alone). Every status write decoded its pod's
 * every entry again. The sets are frozen too: nothing may change one that
 * another write will be handed. Kept while they are in use: an object is
 * written a few times in a row (a pod while it starts, over seconds when
 * thousands start at once) and then rarely. Kept for every stored object,
 * they were a fifth of the heap with 10,000 pods (76 MB of 431); kept for the
 * last 1,024 only, 10,000 pods took a fifth longer to run, decoding again.
 */
const decodedStored = new RecentlyUsed<object, FieldSet>({ floor: DECODED_SETS_FLOOR, keepMs: DECODED_SETS_KEPT_MS, clock: realClock });

function decodeFieldsV1(fields: unknown): FieldSet {
  if (typeof fields !== 'object' || fields === null || !Object.isFrozen(fields)) return fromFieldsV1(fields ?? {});
  return decodedStored.use(fields, () => freezeSet(fromFieldsV1(fields)));
}

function freezeSet(set: FieldSet): FieldSet {
  Object.freeze(set.members);
  for (const child of set.children) {
    freezeSet(child.set);
    Object.freeze(child);
  }
  Object.freeze(set.children);
  return Object.freeze(set);
}

function isFieldsV1Object(fields: unknown): fields is FieldsV1 {
  return typeof fields === 'object' && fields !== null && !Array.isArray(fields);
}

/**
 * A stored entry whose set is decoded when a write first needs it. Most
 * writes leave most entries alone: a pod's status write, and the spec its
 * controller owns. The updater passes such an entry by when the write's
 * changes share no top-level field with it, and its stored encoding is written
 * back as it was; decoding it was most of what a status write spent on
 * ownership, and the decoded sets were a sixth of the heap with 10,000 pods
 * (each pod's controller entry, decoded once for its one status write).
 */
export class StoredVersionedSet implements VersionedSet {
  #set: FieldSet | undefined;
  readonly #fieldsV1: FieldsV1;

  constructor(
    fieldsV1: FieldsV1,
    readonly apiVersion: string,
    readonly applied: boolean,
  ) {
    this.#fieldsV1 = fieldsV1;
  }

  get set(): FieldSet {
    return (this.#set ??= decodeFieldsV1(this.#fieldsV1));
  }

  /** Whether a write has needed the set yet. */
  get decoded(): boolean {
    return this.#set !== undefined;
  }

  /** The stored encoding, which is this entry's set's encoding. */
  get fieldsV1(): FieldsV1 {
    return this.#fieldsV1;
  }

  /** Whether no path of the sets starts with a top-level field of this entry's: then those paths neither overlap nor remove any of its fields. */
  disjointFrom(...sets: FieldSet[]): boolean {
    for (const set of sets) {
      for (const member of set.members) if (Object.hasOwn(this.#fieldsV1, serializePathElement(member))) return false;
      for (const child of set.children) if (Object.hasOwn(this.#fieldsV1, serializePathElement(child.element))) return false;
    }
    return true;
  }

  /** set.empty(), without decoding when the encoding tells: a key of a known path element kind makes a member or a child. */
  empty(): boolean {
    if (this.#set) return this.#set.empty();
    for (const key in this.#fieldsV1) if (/^[fkvi]:/.test(key)) return false;
    return this.set.empty();
  }
}

/** Whether the entry owns nothing. */
export function ownsNothing(versioned: VersionedSet): boolean {
  return versioned instanceof StoredVersionedSet ? versioned.empty() : versioned.set.empty();
}

/** DecodeManagedFields; throws on an entry Kubernetes would not decode. */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined, stored = false): Managed {
  const managed = emptyManaged();
  (entries ?? []).forEach((entry, i) => {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!entry.apiVersion) throw new Error('apiVersion must not be empty');
    if (!entry.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(entry);
    const applied = entry.operation === 'Apply';
    // Only the store's entries are known to be in canonical form (sent ones are written out again as Kubernetes does).
    if (stored && isFieldsV1Object(entry.fieldsV1)) managed.fields.set(id, new StoredVersionedSet(entry.fieldsV1, entry.apiVersion, applied));
    else managed.fields.set(id, { set: decodeFieldsV1(entry.fieldsV1), apiVersion: entry.apiVersion, applied });
    managed.times.set(id, entry.time);
  });
  return managed;
}

/** A stored object's entries decoded, or empty when they do not decode. */
export function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManagedFields(entries, true);
  } catch {
    return emptyManaged();
  }
}

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** encodeManagedFields: undefined when nobody manages anything. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, versioned] of managed.fields) {
    const parsed = parseIdentifier(id);
    const time = managed.times.get(id);
    const entry: ManagedFieldsEntry = {};
    if (parsed.manager) entry.manager = parsed.manager;
    entry.operation = versioned.applied ? 'Apply' : (parsed.operation ?? 'Update');
    entry.apiVersion = versioned.apiVersion;
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    // An entry left as stored is written back as its stored encoding; every set a write makes is new, and encoded.
    entry.fieldsV1 = versioned instanceof StoredVersionedSet ? versioned.fieldsV1 : toFieldsV1(versioned.set);
    if (parsed.subresource) entry.subresource = parsed.subresource;
    entries.push(entry);
  }
  return entries.sort(
    (p, q) =>
      cmp(p.operation ?? '', q.operation ?? '') ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}
