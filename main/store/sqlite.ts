// The embedded Store: etcd v3 semantics on one SQLite file, the way kine
// (https://github.com/k3s-io/kine) gives k3s an etcd on SQL. Every write appends a
// row to one log table; the row id is the revision, so the log *is* the history
// that reads-at-a-revision, watches and compaction work from.
//
// better-sqlite3 is synchronous and this process is the file's only writer, so
// the writes of one event-loop turn commit together, then notify watchers in
// the same tick: no polling (kine polls because its writers may be other
// processes). Another process may read the file
// (e.g. a diagnose command) but its writes would not reach this process' watchers.

import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import {
  checkRequestSize,
  StoreError,
  isStoreError,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from './store.ts';
import { LatestValues } from './latestValues.ts';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' (unit tests; nothing survives close). */
  path: string;
  /**
   * What a committed write survives. The file is always in WAL mode.
   * - 'normal' (default): synchronous=NORMAL. A commit is durable against a crash or
   *   SIGKILL of this process (the WAL is in the OS page cache), but the last
   *   transactions before a power loss or kernel crash may be lost: the WAL is only
   *   fsynced at checkpoints. The database never corrupts either way.
   * - 'full': synchronous=FULL. Every commit fsyncs the WAL, so it also survives
   *   power loss; each write pays one fsync. Measured on the development VM
   *   (test/bench/store.ts, sequential 1 KB creates): about 13,700/s with 'normal',
   *   1,800/s with 'full'; etcd 3.4 on the same machine: about 1,000/s.
   */
  durability?: 'normal' | 'full';
  /**
   * Value text (UTF-16 code units) kept in memory for lists and gets at the
   * newest revision (see latestValues.ts); 0 reads every list from the file.
   */
  latestValuesChars?: number;
}

/**
 * kine's bookkeeping row: its prev_revision holds the compaction point, so it
 * survives restarts in the same file. Like kine, it is written when the file is
 * created, so a fresh store is at revision 1, as a fresh etcd is.
 */
const COMPACT_REV_KEY = 'compact_rev_key';

/** Rows read per step of a watch catch-up, so a long history does not stall the event loop. */
const CATCH_UP_PAGE = 500;
/** Revisions removed per compaction transaction (kine's default batch size). */
const COMPACT_BATCH = 1000;
/** Events handed to one watcher per event-loop turn, so one busy watcher cannot starve the rest. */
const DELIVERY_BATCH = 1000;

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string | null;
  /**
   * Always null in rows this store writes: the previous value is the row at
   * prev_revision, read when a watch event needs it. Files written before kept it
   * here (kine does), which doubled the bytes of every update.
   */
  old_value: string | null;
}

/** A key's newest row without its value: what a write checks its condition against. */
type RowHead = Omit<Row, 'value' | 'old_value'>;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    lease INTEGER NOT NULL DEFAULT 0,
    value TEXT,
    old_value TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id)`,
  // Two writers that both read modRevision N and both append a successor of N
  // collide here, so compare-and-swap holds even across connections.
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)`,
];

/** The newest row of each key in [lo, hi) at @rev: what a range at that revision sees (without old_value, which a range never shows). */
function latestRowsSql(bounded: boolean): string {
  return `SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value FROM kine AS kv
    JOIN (
      SELECT MAX(m.id) AS id FROM kine AS m
      WHERE m.name >= @prefix AND m.name >= @startKey ${bounded ? 'AND m.name < @end' : ''}
        AND m.id <= @rev AND m.name != '${COMPACT_REV_KEY}'
      GROUP BY m.name
    ) AS latest ON latest.id = kv.id
    WHERE kv.deleted = 0`;
}

/** The log after a revision, for watch catch-up. `+name` keeps SQLite on the id order instead of the name index. */
function historySql(bounded: boolean): string {
  return `SELECT * FROM kine
    WHERE id >= @from AND +name >= @prefix ${bounded ? 'AND +name < @end' : ''} AND name != '${COMPACT_REV_KEY}'
    ORDER BY id LIMIT @limit`;
}

/**
 * The smallest string greater than every string starting with `prefix`, in the
 * code-point order SQLite's BINARY collation and etcd's byte order both use;
 * undefined when there is none (no upper bound).
 */
function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      // Surrogate code points cannot appear in well-formed keys; skip over them.
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

function createRevisionOf(row: RowHead): number {
  return row.created ? row.id : row.create_revision;
}

function keyValueOf(row: Row): KeyValue {
  return { key: row.name, value: row.value ?? '', createRevision: createRevisionOf(row), modRevision: row.id };
}

/**
 * A row as its watch event. `previous` is the key's value before, when the
 * caller still holds it: handing out that same frozen object (rather than one
 * read again) lets what was decoded for it be reused. Otherwise the previous
 * value is the row at prev_revision (`valueAt`).
 */
function eventOf(row: Row, valueAt: (id: number) => string | undefined, previous?: KeyValue): WatchEvent {
  const event: WatchEvent = { type: row.deleted ? 'DELETE' : 'PUT', kv: Object.freeze(keyValueOf(row)), revision: row.id };
  if (!row.created) {
    event.prevKv =
      previous?.modRevision === row.prev_revision
        ? previous
        : Object.freeze({
            key: row.name,
            value: row.old_value ?? valueAt(row.prev_revision) ?? '',
            createRevision: createRevisionOf(row),
            modRevision: row.prev_revision,
          });
  }
  return event;
}

/**
 * SQLite refused a write because the disk (or the file system's quota) is
 * full. The transaction is rolled back whole, so the store stays as it was
 * and takes writes again once there is space.
 */
function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR_WRITE') || code === 'SQLITE_IOERR_SHMSIZE';
}

/** etcd's words for its NOSPACE alarm first (what scripts and people search for), then what they mean here. */
function diskFullError(path: string): StoreError {
  return new StoreError('NoSpace', `etcdserver: mvcc: database space exceeded (the disk holding the cluster's store, ${path}, is full: the write was not made; free some space and retry)`);
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One watch: events are queued here and handed to the callback on a later
 * event-loop turn, so writers never wait for watchers.
 */
class SqliteWatch implements Watch {
  /** The next revision this watch may queue; anything older was already queued. */
  next: number;
  /** Live events that arrive while history is still being read. */
  private held: WatchEvent[] | undefined;
  private queue: WatchEvent[] = [];
  private flushScheduled = false;
  private endError: Error | undefined;
  private done = false;

  constructor(
    readonly prefix: string,
    private readonly onEvent: (event: WatchEvent) => void,
    private readonly onError: ((error: Error) => void) | undefined,
    private readonly detach: (watch: SqliteWatch) => void,
    next: number,
    catchingUp: boolean,
  ) {
    this.next = next;
    if (catchingUp) this.held = [];
  }

  get active(): boolean {
    return !this.done && this.endError === undefined;
  }

  /** A write just committed. */
  notify(event: WatchEvent): void {
    if (!this.active) return;
    if (this.held) this.held.push(event);
    else this.enqueue(event);
  }

  /** Events read from the log, oldest first. */
  catchUp(events: WatchEvent[]): void {
    for (const event of events) this.enqueue(event);
  }

  /** History is read up to the newest commit: from here on, live events are the stream. */
  goLive(): void {
    const held = this.held ?? [];
    this.held = undefined;
    // Held events already read from the log are older than `next` and dropped.
    for (const event of held) this.enqueue(event);
  }

  /** Ends the watch after the events already queued are delivered. */
  end(error: Error): void {
    if (!this.active) return;
    this.endError = error;
    this.held = undefined;
    this.detach(this);
    this.scheduleFlush();
  }

  cancel(): void {
    this.done = true;
    this.queue = [];
    this.held = undefined;
    this.detach(this);
  }

  private enqueue(event: WatchEvent): void {
    if (event.revision < this.next) return;
    this.next = event.revision + 1;
    this.queue.push(event);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, DELIVERY_BATCH);
    for (const event of batch) {
      if (this.done) return;
      try {
        this.onEvent(event);
      } catch (err) {
        // A throwing consumer ends its own watch; the store and other watches go on.
        this.queue = [];
        this.end(err instanceof Error ? err : new Error(String(err)));
        break;
      }
    }
    if (this.done) return;
    if (this.queue.length > 0) {
      this.scheduleFlush();
    } else if (this.endError) {
      this.done = true;
      this.onError?.(this.endError);
    }
  }
}

interface PendingWrite {
  key: string;
  /** Checks the write's condition and appends its row, inside the batch's transaction. */
  write: () => Row;
  /** With the KeyValue the write's watch event and the store's later gets hand out. */
  resolve: (kv: KeyValue) => void;
  reject: (error: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly path: string;
  /** Watches by prefix: a write is matched against each prefix once, not against each of a hundred kubelets' watches. */
  private readonly watches = new Map<string, Set<SqliteWatch>>();
  private closed = false;
  /**
   * The newest revision, kept as writes commit. It and the range cache are valid
   * while PRAGMA data_version is `dataVersion`: another connection's commit
   * changes it, and both are then read again.
   */
  private revision = 0;
  private dataVersion = -1;
  /** Whether data_version was asked this event-loop turn (see readCurrentRevision). */
  private dataVersionChecked = false;
  /** The newest values under the prefixes listed so far, kept as writes commit. */
  private readonly latestValues: LatestValues;
  /** Writes waiting for the next group commit (see commit). */
  private pendingWrites: PendingWrite[] = [];

  private readonly stmt: {
    currentRevision: Database.Statement<[], { seq: number }>;
    dataVersion: Database.Statement<[], number>;
    compactRevision: Database.Statement<[], { prev_revision: number }>;
    latest: Database.Statement<[string], Row>;
    latestHead: Database.Statement<[string], RowHead>;
    valueAt: Database.Statement<[number], string | null>;
    latestAt: Database.Statement<[string, number], Row>;
    insert: Database.Statement<[string, number, number, number, number, string | null, string | null]>;
    range: Database.Statement<Record<string, unknown>, Row>;
    rangeUnbounded: Database.Statement<Record<string, unknown>, Row>;
    count: Database.Statement<Record<string, unknown>, { n: number }>;
    countUnbounded: Database.Statement<Record<string, unknown>, { n: number }>;
    history: Database.Statement<Record<string, unknown>, Row>;
    historyUnbounded: Database.Statement<Record<string, unknown>, Row>;
    deleteSuperseded: Database.Statement<{ from: number; to: number }>;
    deleteTombstones: Database.Statement<{ from: number; to: number }>;
    setCompactRevision: Database.Statement<[number]>;
  };

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') ownerOnly(options.path);
    this.path = options.path;
    this.latestValues = new LatestValues(options.latestValuesChars === undefined ? {} : { maxChars: options.latestValuesChars });
    this.db = new Database(options.path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
      // A reader in another process may hold the lock for a moment; wait rather than fail.
      this.db.pragma('busy_timeout = 5000');
      for (const sql of SCHEMA) this.db.exec(sql);
      this.db
        .prepare(
          `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value)
           SELECT ?, 1, 0, 0, 0, 0, '', NULL WHERE NOT EXISTS (SELECT 1 FROM kine WHERE name = ?)`,
        )
        .run(COMPACT_REV_KEY, COMPACT_REV_KEY);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const countSql = (bounded: boolean) => `SELECT COUNT(*) AS n FROM (${latestRowsSql(bounded)})`;
    const rangeSql = (bounded: boolean) => `${latestRowsSql(bounded)} ORDER BY kv.name LIMIT @limit`;
    this.stmt = {
      // AUTOINCREMENT's counter: the newest revision ever written, even if compaction removed its row.
      currentRevision: this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kine'`),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
      compactRevision: this.db.prepare(`SELECT prev_revision FROM kine WHERE name = '${COMPACT_REV_KEY}'`),
      latest: this.db.prepare(`SELECT * FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`),
      latestHead: this.db.prepare(`SELECT id, name, created, deleted, create_revision, prev_revision FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`),
      valueAt: this.db.prepare<[number], string | null>(`SELECT value FROM kine WHERE id = ?`).pluck(),
      latestAt: this.db.prepare(`SELECT * FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
      insert: this.db.prepare(
        `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
      ),
      range: this.db.prepare(rangeSql(true)),
      rangeUnbounded: this.db.prepare(rangeSql(false)),
      count: this.db.prepare(countSql(true)),
      countUnbounded: this.db.prepare(countSql(false)),
      history: this.db.prepare(historySql(true)),
      historyUnbounded: this.db.prepare(historySql(false)),
      // A row is history once a newer row of its key exists below the target: reads
      // at the target and later never reach it. One superseded exactly at the target
      // stays: a watch from the target replays its successor, whose previous value
      // it is. Only successors written in [from, to) are new since the previous batch.
      deleteSuperseded: this.db.prepare(
        `DELETE FROM kine WHERE id IN (
           SELECT prev_revision FROM kine
           WHERE id >= @from AND id < @to AND prev_revision != 0 AND name != '${COMPACT_REV_KEY}')`,
      ),
      // A deletion below the target: reads at the target see no key either way. The
      // tombstone at the target itself stays, so a watch from there still sees it.
      deleteTombstones: this.db.prepare(`DELETE FROM kine WHERE deleted = 1 AND id >= @from AND id < @to`),
      setCompactRevision: this.db.prepare(`UPDATE kine SET prev_revision = ? WHERE name = '${COMPACT_REV_KEY}'`),
    };
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.readCurrentRevision();
  }

  async compactRevision(): Promise<number> {
    this.assertOpen();
    return this.readCompactRevision();
  }

  async get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    this.assertOpen();
    // One statement, so no explicit transaction: this process is the only writer and
    // runs synchronously, so nothing commits between reading the revision and the row.
    const rev = this.readableRevision(revision);
    const cached = rev === this.revision ? this.latestValues.get(key) : undefined;
    if (cached) return cached.kv ? { kv: cached.kv, revision: rev } : { revision: rev };
    const row = revision ? this.stmt.latestAt.get(key, rev) : this.stmt.latest.get(key);
    const kv = row && !row.deleted && row.name !== COMPACT_REV_KEY ? keyValueOf(row) : undefined;
    return kv ? { kv, revision: rev } : { revision: rev };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    // A limit beyond any safe integer (an int64 near 2^63 arrives as a double) is no limit: SQLite binds only integers to LIMIT.
    const limit = options.limit && options.limit > 0 && options.limit < Number.MAX_SAFE_INTEGER ? options.limit : 0;
    const rev = this.readableRevision(options.revision);
    const latest = rev === this.revision;
    const cached = latest ? this.latestValues.range(prefix, options.startKey ?? '', limit) : undefined;
    if (cached) return { ...cached, revision: rev };
    // One statement: a consistent snapshot without an explicit transaction.
    const end = prefixEnd(prefix);
    const params = { prefix, startKey: options.startKey ?? '', rev, limit: limit ? limit + 1 : -1 };
    const rows = end === undefined ? this.stmt.rangeUnbounded.all(params) : this.stmt.range.all({ ...params, end });
    const more = limit > 0 && rows.length > limit;
    const kvs = (more ? rows.slice(0, limit) : rows).map(keyValueOf);
    if (latest && !more && !options.startKey) this.latestValues.fill(prefix, kvs);
    return { kvs, revision: rev, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.db.transaction(() => {
      const end = prefixEnd(prefix);
      const params = { prefix, startKey: '', rev: this.readCurrentRevision() };
      return (end === undefined ? this.stmt.countUnbounded.get(params) : this.stmt.count.get({ ...params, end }))!.n;
    })();
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertWritable(key);
    checkRequestSize(key, value);
    return this.commit(key, () => {
      const latest = this.stmt.latestHead.get(key);
      if (latest && !latest.deleted) throw new StoreError('KeyExists', `key ${key} already exists`);
      // A re-created key succeeds its tombstone, which keeps (name, prev_revision) unique.
      return this.append({ name: key, created: 1, deleted: 0, create_revision: 0, prev_revision: latest?.id ?? 0, value, old_value: null });
    });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertWritable(key);
    checkRequestSize(key, value);
    return this.swap(key, expectedModRevision, (latest) => ({
      name: key,
      created: 0,
      deleted: 0,
      create_revision: createRevisionOf(latest),
      prev_revision: latest.id,
      value,
      old_value: null,
    }));
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertWritable(key);
    return this.swap(key, expectedModRevision, (latest) => ({
      name: key,
      created: 0,
      deleted: 1,
      create_revision: createRevisionOf(latest),
      prev_revision: latest.id,
      // kine keeps the deleted value in the tombstone: it is the DELETE event's kv.
      value: this.valueAt(latest.id) ?? null,
      old_value: null,
    }));
  }

  watch(prefix: string, onEvent: (event: WatchEvent) => void, options: WatchOptions = {}): Watch {
    this.assertOpen();
    const start = options.startRevision && options.startRevision > 0 ? options.startRevision : 0;
    const detach = (watch: SqliteWatch) => {
      const same = this.watches.get(prefix);
      if (same?.delete(watch) && same.size === 0) this.watches.delete(prefix);
    };
    const catchingUp = start > 0;
    const watch = new SqliteWatch(prefix, onEvent, options.onError, detach, catchingUp ? start : this.readCurrentRevision() + 1, catchingUp);
    // Subscribe before reading history: a write committed while history is read is
    // then either in the rows read or among the held live events, never in neither.
    const same = this.watches.get(prefix) ?? new Set<SqliteWatch>();
    same.add(watch);
    this.watches.set(prefix, same);
    if (catchingUp) setImmediate(() => this.catchUp(watch));
    return watch;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.readCurrentRevision()) {
      throw new StoreError('FutureRevision', `cannot compact to revision ${revision}: newer than the store`);
    }
    // In batches, each one transaction that also moves the compaction point, so reads
    // stay consistent between batches and writers interleave with a long compaction.
    for (;;) {
      const finished = this.db.transaction(() => {
        const from = this.readCompactRevision();
        if (revision <= from) return true;
        const to = Math.min(from + COMPACT_BATCH, revision);
        this.stmt.deleteSuperseded.run({ from, to });
        this.stmt.deleteTombstones.run({ from, to });
        this.stmt.setCompactRevision.run(to);
        return to === revision;
      }).immediate();
      if (finished) return;
      await yieldToEventLoop();
      this.assertOpen();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already asked for are committed, not dropped: their callers are waiting for an answer.
    this.commitPending();
    this.closed = true;
    this.latestValues.clear();
    for (const watch of [...this.watches.values()].flatMap((same) => [...same])) watch.end(new StoreError('Closed', 'store closed'));
    this.db.close();
  }

  private catchUp(watch: SqliteWatch): void {
    if (!watch.active) return;
    if (this.closed) return watch.end(new StoreError('Closed', 'store closed'));
    const compacted = this.readCompactRevision();
    if (watch.next < compacted) {
      return watch.end(new StoreError('Compacted', `revision ${watch.next} has been compacted (compaction point ${compacted})`));
    }
    const end = prefixEnd(watch.prefix);
    const params = { from: watch.next, prefix: watch.prefix, limit: CATCH_UP_PAGE };
    const rows = end === undefined ? this.stmt.historyUnbounded.all(params) : this.stmt.history.all({ ...params, end });
    watch.catchUp(rows.map((row) => eventOf(row, this.valueAt)));
    if (rows.length < CATCH_UP_PAGE) watch.goLive();
    else setImmediate(() => this.catchUp(watch));
  }

  /** Appends a successor of the key's newest row if that row is still `expected`. */
  private swap(key: string, expectedModRevision: number | undefined, successor: (latest: RowHead) => Omit<Row, 'id'>): Promise<KeyValue> {
    return this.commit(key, () => {
      // Only the head: reading the newest value back (kilobytes for a pod) on every write cost more than the write's checks.
      const latest = this.stmt.latestHead.get(key);
      if (!latest || latest.deleted) throw new StoreError('KeyNotFound', `key ${key} not found`);
      if (expectedModRevision !== undefined && latest.id !== expectedModRevision) {
        throw new StoreError(
          'Conflict',
          `key ${key} was modified: expected revision ${expectedModRevision}, found ${latest.id}`,
          keyValueOf({ ...latest, value: this.valueAt(latest.id) ?? null, old_value: null }),
        );
      }
      return this.append(successor(latest));
    });
  }

  /**
   * Queues one write (its checks and its row) for the next group commit. Writes
   * asked for in the same event-loop turn share one transaction: under load most
   * of a commit's cost (the WAL pages of the table, its indexes and the sequence)
   * is paid once for all of them instead of once each. Each write still checks
   * its own condition against the rows before it, the batch's included, so
   * compare-and-swap holds within a batch as across batches.
   */
  private commit(key: string, write: () => Row): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      this.pendingWrites.push({ key, write, resolve, reject });
      if (this.pendingWrites.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** Runs the queued writes in one transaction, then publishes and answers them in revision order. */
  private commitPending(): void {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    if (batch.length === 0) return;
    if (this.closed) {
      for (const pending of batch) pending.reject(new StoreError('Closed', 'store closed'));
      return;
    }
    const outcomes: Array<{ row: Row } | { error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const pending of batch) {
            try {
              outcomes.push({ row: pending.write() });
            } catch (err) {
              // A refused condition (or another connection's row in the way) fails this write only: it wrote
              // nothing. Anything else (a full disk) rolls the whole batch back.
              if (!(err instanceof StoreError) && !isUniqueViolation(err)) throw err;
              outcomes.push({ error: err });
            }
          }
        })
        .immediate();
    } catch (err) {
      const error = isDiskFull(err) ? diskFullError(this.path) : err;
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('row' in outcome) {
        pending.resolve(this.publish(outcome.row).kv);
      } else {
        pending.reject(this.refusal(pending.key, outcome.error));
      }
    });
  }

  /** A write's own refusal; a unique-index clash means another connection appended first. */
  private refusal(key: string, err: unknown): unknown {
    if (!isUniqueViolation(err)) return err;
    const latest = this.stmt.latest.get(key);
    if (!latest || latest.deleted) return new StoreError('KeyNotFound', `key ${key} not found`);
    if (latest.created) return new StoreError('KeyExists', `key ${key} already exists`);
    return new StoreError('Conflict', `key ${key} was modified concurrently`, keyValueOf(latest));
  }

  /** The value of the row with this id (a revision), if it was not compacted away. */
  private readonly valueAt = (id: number): string | undefined => this.stmt.valueAt.get(id) ?? undefined;

  private append(row: Omit<Row, 'id'>): Row {
    const result = this.stmt.insert.run(row.name, row.created, row.deleted, row.create_revision, row.prev_revision, row.value, row.old_value);
    return { id: Number(result.lastInsertRowid), ...row };
  }

  private publish(row: Row): WatchEvent {
    if (row.id > this.revision) this.revision = row.id;
    const tracked = row.name !== COMPACT_REV_KEY;
    const event = eventOf(row, this.valueAt, tracked ? this.latestValues.get(row.name)?.kv : undefined);
    if (tracked) this.latestValues.apply(row.name, event.type === 'PUT' ? event.kv : undefined);
    for (const [prefix, same] of this.watches) {
      if (row.name.startsWith(prefix)) for (const watch of same) watch.notify(event);
    }
    return event;
  }

  /**
   * The newest revision: from memory unless another connection has committed
   * since it was read. That is asked of SQLite once per event-loop turn, not on
   * every read: under load a turn holds dozens of reads, and this process (the
   * only writer, under the cluster's lock) keeps `revision` as it commits.
   */
  private readCurrentRevision(): number {
    if (this.dataVersionChecked) return this.revision;
    this.dataVersionChecked = true;
    setImmediate(() => (this.dataVersionChecked = false));
    const version = this.stmt.dataVersion.get()!;
    if (version !== this.dataVersion) {
      this.dataVersion = version;
      this.revision = this.stmt.currentRevision.get()?.seq ?? 0;
      this.latestValues.clear();
    }
    return this.revision;
  }

  private readCompactRevision(): number {
    return this.stmt.compactRevision.get()?.prev_revision ?? 0;
  }

  /** The revision a read at `revision` sees (0/absent: now); Compacted or FutureRevision when unreadable. */
  private readableRevision(revision: number | undefined): number {
    const current = this.readCurrentRevision();
    if (!revision || revision <= 0) return current;
    if (revision > current) {
      throw new StoreError('FutureRevision', `revision ${revision} is newer than the store's ${current}`);
    }
    const compacted = this.readCompactRevision();
    if (revision < compacted) {
      throw new StoreError('Compacted', `revision ${revision} has been compacted (compaction point ${compacted})`);
    }
    return revision;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'store closed');
  }

  private assertWritable(key: string): void {
    this.assertOpen();
    if (key === COMPACT_REV_KEY) throw new Error(`"${COMPACT_REV_KEY}" is reserved for the store's own bookkeeping`);
  }
}

/**
 * The file holds every Secret: readable by its owner only. SQLite creates its
 * -wal and -shm files with the database file's mode, so the database file is
 * made first with 0600; files from an older PodLab are tightened.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

export interface CompactorOptions {
  /** How often to compact (kine and kube-apiserver: every 5 minutes). */
  intervalMs?: number;
  /** Revisions of history always kept behind the newest (kine keeps 1000). */
  keepRevisions?: number;
  /** Compaction failures; the compactor keeps running. */
  onError?: (error: unknown) => void;
}

/**
 * Compacts `store` periodically, keeping the newest `keepRevisions` revisions so
 * watchers that fall a little behind can still resume. Returns a stop function.
 */
export function startCompactor(store: Store, options: CompactorOptions = {}): () => void {
  const { intervalMs = 5 * 60_000, keepRevisions = 1000 } = options;
  const onError = options.onError ?? ((err: unknown) => console.warn('store compaction failed:', err));
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const target = (await store.currentRevision()) - keepRevisions;
      if (target > 0) await store.compact(target);
    } catch (err) {
      if (!isStoreError(err, 'Closed')) onError(err);
    } finally {
      running = false;
    }
  }, intervalMs);
  // Compaction is housekeeping; it must not keep a finished process alive.
  timer.unref();
  return () => clearInterval(timer);
}
