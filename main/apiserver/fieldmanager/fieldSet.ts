// A set of field paths, shaped as structured-merge-diff's fieldpath.Set: at
// each level, the elements that are members themselves and the elements that
// have members below them. A list item or a map can be both (managedFields
// writes that as `.`). Elements stay sorted, so set operations are merges and
// the FieldsV1 encoding comes out in Kubernetes' order.

import { comparePathElements, type FieldPath, type PathElement } from './pathElement.ts';

interface Child {
  element: PathElement;
  set: FieldSet;
}

/**
 * Where `e` is in a sorted list: its index when found, else -(index where it
 * would go) - 1. A number rather than an object: sets are searched for every
 * element of every path a write touches.
 */
function search<T>(list: T[], e: PathElement, elementOf: (item: T) => PathElement): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePathElements(elementOf(list[mid]), e) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && comparePathElements(elementOf(list[lo]), e) === 0 ? lo : -lo - 1;
}

/**
 * Puts `item` at `index`, moving the rest up. Not splice: its answer, the
 * array of what it removed, was made for every element inserted (a sixtieth
 * of what the API server allocated under load).
 */
function insertAt<T>(list: T[], index: number, item: T): void {
  list.push(item);
  for (let i = list.length - 1; i > index; i--) list[i] = list[i - 1]!;
  list[index] = item;
}

const self = (e: PathElement) => e;
const childElement = (c: Child) => c.element;

export class FieldSet {
  constructor(
    readonly members: PathElement[] = [],
    readonly children: Child[] = [],
  ) {}

  static of(...paths: FieldPath[]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  insert(path: FieldPath): void {
    this.insertTree(path, undefined);
  }

  /** Inserts `path`, and under it `below` (paths relative to it) as one level: a subtree added whole. */
  insertTree(path: FieldPath, below: FieldSet | undefined): void {
    if (path.length === 0) return;
    let set: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) set = set.descend(path[i]);
    const last = path[path.length - 1];
    const at = search(set.members, last, self);
    if (at < 0) insertAt(set.members, -at - 1, last);
    if (below) set.attach(last, below);
  }

  /** The child set under `e`, created if missing. */
  descend(e: PathElement): FieldSet {
    const at = search(this.children, e, childElement);
    if (at >= 0) return this.children[at].set;
    const set = new FieldSet();
    insertAt(this.children, -at - 1, { element: e, set });
    return set;
  }

  /** Puts `set` under `e` as it is (joined with what is there already): reading FieldsV1 builds each level once. */
  attach(e: PathElement, set: FieldSet): void {
    const at = search(this.children, e, childElement);
    if (at >= 0) this.children[at] = { element: e, set: this.children[at].set.union(set) };
    else insertAt(this.children, -at - 1, { element: e, set });
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    let set: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      set = set.child(path[i]);
      if (!set) return false;
    }
    return search(set.members, path[path.length - 1], self) >= 0;
  }

  hasMember(e: PathElement): boolean {
    return search(this.members, e, self) >= 0;
  }

  child(e: PathElement): FieldSet | undefined {
    const at = search(this.children, e, childElement);
    return at >= 0 ? this.children[at].set : undefined;
  }

  /** WithPrefix: the paths under `e`, without it. */
  withPrefix(e: PathElement): FieldSet {
    return this.child(e) ?? new FieldSet();
  }

  empty(): boolean {
    return this.members.length === 0 && this.children.every((c) => c.set.empty());
  }

  size(): number {
    return this.members.length + this.children.reduce((n, c) => n + c.set.size(), 0);
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(
      mergeSorted(this.members, other.members, self, (a) => a),
      mergeSorted(this.children, other.children, childElement, (a, b) => (b ? { element: a.element, set: a.set.union(b.set) } : a)),
    );
  }

  intersection(other: FieldSet): FieldSet {
    const members = this.members.filter((m) => other.hasMember(m));
    const children: Child[] = [];
    for (const c of this.children) {
      const o = other.child(c.element);
      if (!o) continue;
      const set = c.set.intersection(o);
      if (!set.empty()) children.push({ element: c.element, set });
    }
    return new FieldSet(members, children);
  }

  difference(other: FieldSet): FieldSet {
    const members = this.members.filter((m) => !other.hasMember(m));
    const children: Child[] = [];
    for (const c of this.children) {
      const o = other.child(c.element);
      if (!o) children.push(c);
      else {
        const set = c.set.difference(o);
        if (!set.empty()) children.push({ element: c.element, set });
      }
    }
    return new FieldSet(members, children);
  }

  /** RecursiveDifference: like difference, and a member of `other` also takes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const members = this.members.filter((m) => !other.hasMember(m));
    const children: Child[] = [];
    for (const c of this.children) {
      if (other.hasMember(c.element)) continue;
      const o = other.child(c.element);
      if (!o) children.push(c);
      else {
        const set = c.set.recursiveDifference(o);
        if (!set.empty()) children.push({ element: c.element, set });
      }
    }
    return new FieldSet(members, children);
  }

  /** Every member path, members of a level before the levels below it. */
  *paths(prefix: FieldPath = []): Generator<FieldPath> {
    for (const m of this.members) yield [...prefix, m];
    for (const c of this.children) yield* c.set.paths([...prefix, c.element]);
  }

  equals(other: FieldSet): boolean {
    return (
      this.members.length === other.members.length &&
      this.members.every((m, i) => comparePathElements(m, other.members[i]) === 0) &&
      this.children.length === other.children.length &&
      this.children.every((c, i) => comparePathElements(c.element, other.children[i].element) === 0 && c.set.equals(other.children[i].set))
    );
  }
}

function mergeSorted<T>(a: T[], b: T[], elementOf: (item: T) => PathElement, both: (x: T, y?: T) => T): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(elementOf(a[i]), elementOf(b[j]));
    if (c < 0) out.push(a[i++]);
    else if (c > 0) out.push(b[j++]);
    else out.push(both(a[i++], b[j++]));
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
