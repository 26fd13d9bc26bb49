// The embedded Store: etcd v3 semantics on one SQLite file, the way kine
// (https://github.com/k3s-io/kine) gives k3s an etcd on SQL. Every write appends a
// row to one log table; the row id is the revision, so the log *is* the history
// that reads-at-a-revision, watches and compaction work from.
//
// This process is the file's only writer, so the writes of one event-loop
// turn commit together, then notify watchers in the same tick: no polling
// (kine polls because its writers may be other processes). Under load the
// commits run on a writer thread (writerThread.ts) while the event loop goes
// on serving. Another process may read the file
// (e.g. a diagnose command) but its writes would not reach this process' watchers.

import type Database from 'better-sqlite3';
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
import { PrefixWatches } from './prefixWatches.ts';
import { PrefixMap } from './prefixMap.ts';
import { COMPACT_REV_KEY, SCHEMA, createRevisionOf, isDiskFull, keyValueOf, openConnection, type Durability, type Row } from './sqliteRows.ts';
import { SqliteWriter, rowOf, type WriteOutcome, type WriteRequest } from './sqliteWriter.ts';
import { WriterLostError, WriterThread, type Answer } from './writerThread.ts';

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
  durability?: Durability;
  /**
   * Value text (UTF-16 code units) kept in memory for lists and gets at the
   * newest revision (see latestValues.ts); 0 reads every list from the file.
   */
  latestValuesChars?: number;
  /**
   * Where batches of writes commit: 'auto' (default) on the writer thread once
   * a batch of THREAD_BATCH writes shows load, back on the event loop when writes
   * go quiet; 'always' (tests of the thread); 'never'. A ':memory:' file is
   * never shared with a thread.
   */
  writerThread?: 'auto' | 'always' | 'never';
}

/** Writes in one batch that start the writer thread: an idle cluster's writes come one or a few at a time. */
const THREAD_BATCH = 32;
/** A writer thread without a job this long stops (it holds ~10 MB). */
const THREAD_IDLE_MS = 5000;

/** Rows read per step of a watch catch-up, so a long history does not stall the event loop. */
const CATCH_UP_PAGE = 500;
/** Events handed to one watcher per event-loop turn, so one busy watcher cannot starve the rest. */
const DELIVERY_BATCH = 1000;

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

/**
 * One page of the newest rows of each key in [lo, hi) at @rev, in key order:
 * the same rows as latestRowsSql, found walking the (name, id) index in name
 * order and keeping a row when no later one of its key is at or before @rev.
 * SQLite then stops after @limit rows instead of finding every key's newest
 * row and sorting them all for each page (a TEMP B-TREE in latestRowsSql's
 * plan): 500-object pages of 40,000 Events cost one page each, not the whole
 * range each. It visits every revision of a key where latestRowsSql reads only
 * the index for the older ones, so whole ranges keep latestRowsSql.
 */
export function latestRowsPageSql(bounded: boolean): string {
  return `SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value FROM kine AS kv
    WHERE kv.name >= @prefix AND kv.name >= @startKey ${bounded ? 'AND kv.name < @end' : ''}
      AND kv.id <= @rev AND kv.name != '${COMPACT_REV_KEY}'
      AND NOT EXISTS (SELECT 1 FROM kine AS later WHERE later.name = kv.name AND later.id > kv.id AND later.id <= @rev)
      AND kv.deleted = 0
    ORDER BY kv.name LIMIT @limit`;
}

/** The log after a revision, for watch catch-up. `+name` keeps SQLite on the id order instead of the name index. */
function historySql(bounded: boolean): string {
  return `SELECT * FROM kine
    WHERE id >= @from AND id <= @to AND +name >= @prefix ${bounded ? 'AND +name < @end' : ''} AND name != '${COMPACT_REV_KEY}'
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

/** etcd's words for its NOSPACE alarm first (what scripts and people search for), then what they mean here. */
function diskFullError(path: string): StoreError {
  return new StoreError('NoSpace', `etcdserver: mvcc: database space exceeded (the disk holding the cluster's store, ${path}, is full: the write was not made; free some space and retry)`);
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
  request: WriteRequest;
  /** With the KeyValue the write's watch event and the store's later gets hand out. */
  resolve: (kv: KeyValue) => void;
  reject: (error: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly durability: Durability;
  private readonly threadMode: 'auto' | 'always' | 'never';
  /** Watches by prefix: a write is matched against each prefix once, not against each of a hundred kubelets' watches. */
  private readonly watches = new PrefixMap<PrefixWatches<SqliteWatch>>();
  private closed = false;
  private closing: Promise<void> | undefined;
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
  /** Writes on this connection, on the event loop. */
  private readonly writer: SqliteWriter;
  /** The writer thread while there is load (see threadFor). */
  private thread: WriterThread | undefined;
  private threadReady = false;
  /** The thread could not start or stopped on its own: writes stay on the event loop. */
  private threadFailed = false;
  private threadIdleTimer: NodeJS.Timeout | undefined;
  /** Jobs sent to the thread and not answered: its commits then change data_version, and the answer says what that was. */
  private threadJobs = 0;
  /** A write job (a batch, a compaction step) under way: they take turns, one at a time. */
  private writing = false;
  private readonly turnWaiters: Array<() => void> = [];

  private readonly stmt: {
    currentRevision: Database.Statement<[], { seq: number }>;
    dataVersion: Database.Statement<[], number>;
    compactRevision: Database.Statement<[], { prev_revision: number }>;
    latest: Database.Statement<[string], Row>;
    valueAt: Database.Statement<[number], string | null>;
    latestAt: Database.Statement<[string, number], Row>;
    range: Database.Statement<Record<string, unknown>, Row>;
    rangeUnbounded: Database.Statement<Record<string, unknown>, Row>;
    rangePage: Database.Statement<Record<string, unknown>, Row>;
    rangePageUnbounded: Database.Statement<Record<string, unknown>, Row>;
    count: Database.Statement<Record<string, unknown>, { n: number }>;
    countUnbounded: Database.Statement<Record<string, unknown>, { n: number }>;
    history: Database.Statement<Record<string, unknown>, Row>;
    historyUnbounded: Database.Statement<Record<string, unknown>, Row>;
  };

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') ownerOnly(options.path);
    this.path = options.path;
    this.durability = options.durability ?? 'normal';
    this.threadMode = options.path === ':memory:' ? 'never' : (options.writerThread ?? 'auto');
    this.latestValues = new LatestValues(options.latestValuesChars === undefined ? {} : { maxChars: options.latestValuesChars });
    this.db = openConnection(options.path, this.durability);
    try {
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
    this.writer = new SqliteWriter(this.db);
    const countSql = (bounded: boolean) => `SELECT COUNT(*) AS n FROM (${latestRowsSql(bounded)})`;
    const rangeSql = (bounded: boolean) => `${latestRowsSql(bounded)} ORDER BY kv.name LIMIT @limit`;
    this.stmt = {
      // AUTOINCREMENT's counter: the newest revision ever written, even if compaction removed its row.
      currentRevision: this.db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kine'`),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
      compactRevision: this.db.prepare(`SELECT prev_revision FROM kine WHERE name = '${COMPACT_REV_KEY}'`),
      latest: this.db.prepare(`SELECT * FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`),
      valueAt: this.db.prepare<[number], string | null>(`SELECT value FROM kine WHERE id = ?`).pluck(),
      latestAt: this.db.prepare(`SELECT * FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
      range: this.db.prepare(rangeSql(true)),
      rangeUnbounded: this.db.prepare(rangeSql(false)),
      rangePage: this.db.prepare(latestRowsPageSql(true)),
      rangePageUnbounded: this.db.prepare(latestRowsPageSql(false)),
      count: this.db.prepare(countSql(true)),
      countUnbounded: this.db.prepare(countSql(false)),
      history: this.db.prepare(historySql(true)),
      historyUnbounded: this.db.prepare(historySql(false)),
    };
  }

  /** Whether batches of writes commit on the writer thread now (diagnostics, tests). */
  get writesOnThread(): boolean {
    return this.threadReady;
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
    // One statement, so no explicit transaction. Bounded by the revision even at the newest: the writer
    // thread may have committed rows whose events this store has not published yet.
    const rev = this.readableRevision(revision);
    const cached = rev === this.revision ? this.latestValues.get(key) : undefined;
    if (cached) return cached.kv ? { kv: cached.kv, revision: rev } : { revision: rev };
    const row = this.stmt.latestAt.get(key, rev);
    const kv = row && !row.deleted && row.name !== COMPACT_REV_KEY ? keyValueOf(row) : undefined;
    return kv ? { kv, revision: rev } : { revision: rev };
  }

  getCached(key: string): { kv?: KeyValue } | undefined {
    if (this.closed) return undefined;
    // As get() at the newest revision reads it, without the promise.
    this.readCurrentRevision();
    const cached = this.latestValues.get(key);
    return cached && (cached.kv ? { kv: cached.kv } : {});
  }

  rangeCached(prefix: string): readonly KeyValue[] | undefined {
    if (this.closed) return undefined;
    this.readCurrentRevision();
    return this.latestValues.range(prefix, '', 0)?.kvs;
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
    const { stmt } = this;
    const statement = limit ? (end === undefined ? stmt.rangePageUnbounded : stmt.rangePage) : end === undefined ? stmt.rangeUnbounded : stmt.range;
    const rows = statement.all(end === undefined ? params : { ...params, end });
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
    return this.commit({ op: 'create', key, value });
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertWritable(key);
    checkRequestSize(key, value);
    return this.commit({ op: 'update', key, value, expected: expectedModRevision });
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertWritable(key);
    return this.commit(expectedModRevision === undefined ? { op: 'delete', key } : { op: 'delete', key, expected: expectedModRevision });
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
    const same = this.watches.get(prefix) ?? new PrefixWatches<SqliteWatch>();
    same.add(watch, options.trigger);
    this.watches.set(prefix, same);
    if (catchingUp) setImmediate(() => this.catchUp(watch));
    return watch;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.readCurrentRevision()) {
      throw new StoreError('FutureRevision', `cannot compact to revision ${revision}: newer than the store`);
    }
    // In steps (sqliteWriter.ts), taking turns with the batches of writes, so a long compaction holds up no write for long.
    for (;;) {
      const finished = await this.turn(() => {
        this.assertOpen();
        const thread = this.threadFor(0);
        return thread ? this.onThread(thread.compactStep(revision)) : this.writer.compactStep(revision);
      });
      if (finished) return;
      await yieldToEventLoop();
    }
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      // Writes already asked for are committed, not dropped: their callers are waiting for an answer.
      await this.turn(() => this.writeBatch());
      await this.turn(() => this.stopThread());
      this.closed = true;
      this.latestValues.clear();
      for (const watch of this.watches.all().flatMap(([, same]) => [...same.all()])) watch.end(new StoreError('Closed', 'store closed'));
      this.db.close();
    })();
    return this.closing;
  }

  private catchUp(watch: SqliteWatch): void {
    if (!watch.active) return;
    if (this.closed) return watch.end(new StoreError('Closed', 'store closed'));
    const compacted = this.readCompactRevision();
    if (watch.next < compacted) {
      return watch.end(new StoreError('Compacted', `revision ${watch.next} has been compacted (compaction point ${compacted})`));
    }
    const end = prefixEnd(watch.prefix);
    // Up to the published revision: rows the writer thread committed since come as live events.
    const params = { from: watch.next, to: this.readCurrentRevision(), prefix: watch.prefix, limit: CATCH_UP_PAGE };
    const rows = end === undefined ? this.stmt.historyUnbounded.all(params) : this.stmt.history.all({ ...params, end });
    watch.catchUp(rows.map((row) => eventOf(row, this.valueAt)));
    if (rows.length < CATCH_UP_PAGE) watch.goLive();
    else setImmediate(() => this.catchUp(watch));
  }

  /**
   * Queues one write for the next group commit. Writes asked for in the same
   * event-loop turn share one transaction: under load most of a commit's cost
   * (the WAL pages of the table, its indexes and the sequence) is paid once for
   * all of them instead of once each. While a batch is on the writer thread the
   * next one gathers here.
   */
  private commit(request: WriteRequest): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      this.pendingWrites.push({ request, resolve, reject });
      if (this.pendingWrites.length === 1) setImmediate(() => void this.turn(() => this.writeBatch()));
    });
  }

  /** Runs `job` once no other write job is under way: batches and compaction steps take turns, one at a time. */
  private async turn<T>(job: () => T | Promise<T>): Promise<T> {
    while (this.writing) await new Promise<void>((resolve) => this.turnWaiters.push(resolve));
    this.writing = true;
    try {
      return await job();
    } finally {
      this.writing = false;
      this.turnWaiters.shift()?.();
    }
  }

  /** Commits the queued writes in one transaction, then publishes and answers them in revision order. */
  private async writeBatch(): Promise<void> {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    if (batch.length === 0) return;
    if (this.closed) {
      for (const pending of batch) pending.reject(new StoreError('Closed', 'store closed'));
      return;
    }
    const requests = batch.map((pending) => pending.request);
    let outcomes: WriteOutcome[];
    try {
      const thread = this.threadFor(batch.length);
      outcomes = thread ? await this.onThread(thread.commit(requests)) : this.writer.commit(requests);
    } catch (err) {
      const error = isDiskFull(err) ? diskFullError(this.path) : err instanceof WriterLostError ? new StoreError('Unavailable', err.message) : err;
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('row' in outcome) {
        const written = pending.request.op === 'delete' ? null : pending.request.value;
        pending.resolve(this.publish(rowOf(outcome.row, written)).kv);
      } else {
        const { code, message, current } = outcome.refused;
        pending.reject(code === 'Unique' ? this.refusal(pending.request.key) : new StoreError(code, message, current));
      }
    });
  }

  /**
   * The writer thread for a job, or undefined to write on the event loop. A
   * batch of THREAD_BATCH writes starts it; until it has opened the file the
   * event loop goes on writing (in 'always', the job waits for it).
   */
  private threadFor(batchSize: number): WriterThread | undefined {
    if (this.threadMode === 'never' || this.threadFailed || this.closed) return undefined;
    if (!this.thread && !this.closing && (this.threadMode === 'always' || batchSize >= THREAD_BATCH)) this.startThread();
    if (!this.thread) return undefined;
    this.threadIdleTimer?.refresh();
    return this.threadReady || this.threadMode === 'always' ? this.thread : undefined;
  }

  private startThread(): void {
    const thread = new WriterThread(this.path, this.durability, (err) => this.threadLost(thread, err));
    this.thread = thread;
    this.threadReady = false;
    void thread.ready.then(() => (this.threadReady = this.thread === thread));
    this.threadIdleTimer = setTimeout(() => void this.turn(() => this.stopThread()), THREAD_IDLE_MS);
    // Housekeeping: an idle thread's timer must not keep a finished process alive.
    this.threadIdleTimer.unref();
  }

  private async stopThread(): Promise<void> {
    const thread = this.thread;
    clearTimeout(this.threadIdleTimer);
    this.thread = undefined;
    this.threadReady = false;
    await thread?.stop();
  }

  /**
   * The thread could not start, or died. Writes go on from the event loop. A
   * job it held may or may not have committed: the newest revision and the
   * cached values are read afresh, and watches end (their clients list again)
   * rather than miss an event.
   */
  private threadLost(thread: WriterThread, err: WriterLostError): void {
    if (this.thread !== thread) return;
    clearTimeout(this.threadIdleTimer);
    this.thread = undefined;
    this.threadReady = false;
    this.threadFailed = true;
    console.warn(`podlab: ${err.message}; the store writes from the main thread from now on`);
    if (this.threadJobs === 0 || this.closed) return;
    this.revision = this.stmt.currentRevision.get()?.seq ?? 0;
    this.latestValues.clear();
    for (const watch of this.watches.all().flatMap(([, same]) => [...same.all()])) watch.end(new StoreError('Unavailable', err.message));
  }

  /** A job's answer from the thread, with this connection's view of the file brought up to date before anything reads it. */
  private async onThread<T>(job: Promise<Answer<T>>): Promise<T> {
    this.threadJobs++;
    let answer: Answer<T>;
    try {
      answer = await job;
    } finally {
      this.threadJobs--;
    }
    // The thread's own commits are not another writer's: this connection's data_version moved for them.
    this.dataVersion = this.stmt.dataVersion.get()!;
    if (answer.foreign) {
      this.revision = this.stmt.currentRevision.get()?.seq ?? 0;
      this.latestValues.clear();
    }
    return answer.result;
  }

  /** A write's refusal when another connection appended first (the unique index on name and prev_revision). */
  private refusal(key: string): StoreError {
    const latest = this.stmt.latest.get(key);
    if (!latest || latest.deleted) return new StoreError('KeyNotFound', `key ${key} not found`);
    if (latest.created) return new StoreError('KeyExists', `key ${key} already exists`);
    return new StoreError('Conflict', `key ${key} was modified concurrently`, keyValueOf(latest));
  }

  /** The value of the row with this id (a revision), if it was not compacted away. */
  private readonly valueAt = (id: number): string | undefined => this.stmt.valueAt.get(id) ?? undefined;

  private publish(row: Row): WatchEvent {
    if (row.id > this.revision) this.revision = row.id;
    const tracked = row.name !== COMPACT_REV_KEY;
    const event = eventOf(row, this.valueAt, tracked ? this.latestValues.get(row.name)?.kv : undefined);
    if (tracked) this.latestValues.apply(row.name, event.type === 'PUT' ? event.kv : undefined);
    this.watches.forEachCovering(row.name, (same) => same.notify(event));
    return event;
  }

  /**
   * The newest revision: from memory unless another connection has committed
   * since it was read. That is asked of SQLite once per event-loop turn, not on
   * every read: under load a turn holds dozens of reads, and this process (the
   * only writer, under the cluster's lock) keeps `revision` as it commits.
   */
  private readCurrentRevision(): number {
    // While the writer thread holds a job its commits move data_version; its answer says whether anyone else wrote.
    if (this.dataVersionChecked || this.threadJobs > 0) return this.revision;
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
    if (this.closing) throw new StoreError('Closed', 'store closed');
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
