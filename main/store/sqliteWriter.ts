// The SQLite store's write side: each write checks its condition against its
// key's newest row and appends the successor; a batch of writes is one
// transaction. Writes are plain data (WriteRequest) and answers are plain
// data (WriteOutcome), so the same writer runs on the event loop (the odd
// write of an idle cluster) or on the writer thread (writerThread.ts) under
// load, where SQLite's own work (B-tree pages, the WAL, checkpoints) no longer
// holds up the API server: etcd's disk work runs beside kube-apiserver too,
// not inside it.

import type Database from 'better-sqlite3';
import { StoreError, type KeyValue, type StoreErrorCode } from './store.ts';
import { COMPACT_REV_KEY, createRevisionOf, isUniqueViolation, keyValueOf, type Row, type RowHead } from './sqliteRows.ts';

export type WriteRequest =
  | { op: 'create'; key: string; value: string }
  | { op: 'update'; key: string; value: string; expected: number }
  | { op: 'delete'; key: string; expected?: number };

/**
 * A committed write's row, or why this write (only) was refused. A row carries
 * no value for a create or an update (its caller holds what it wrote); a
 * deletion's tombstone carries the value deleted.
 */
export type WriteOutcome =
  | { row: RowHead & { value?: string | null } }
  | { refused: { code: StoreErrorCode | 'Unique'; message: string; current?: KeyValue } };

/** Revisions removed per compaction transaction (kine's default batch size). */
const COMPACT_BATCH = 1000;

export class SqliteWriter {
  private readonly stmt: {
    latestHead: Database.Statement<[string], RowHead>;
    valueAt: Database.Statement<[number], string | null>;
    insert: Database.Statement<[string, number, number, number, number, string | null]>;
    compactRevision: Database.Statement<[], number>;
    deleteSuperseded: Database.Statement<{ from: number; to: number }>;
    deleteTombstones: Database.Statement<{ from: number; to: number }>;
    setCompactRevision: Database.Statement<[number]>;
  };

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      latestHead: db.prepare(`SELECT id, name, created, deleted, create_revision, prev_revision FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`),
      valueAt: db.prepare<[number], string | null>(`SELECT value FROM kine WHERE id = ?`).pluck(),
      insert: db.prepare(
        `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value)
         VALUES (?, ?, ?, ?, ?, 0, ?, NULL)`,
      ),
      compactRevision: db.prepare<[], number>(`SELECT prev_revision FROM kine WHERE name = '${COMPACT_REV_KEY}'`).pluck(),
      // A row is history once a newer row of its key exists below the target: reads
      // at the target and later never reach it. One superseded exactly at the target
      // stays: a watch from the target replays its successor, whose previous value
      // it is. Only successors written in [from, to) are new since the previous batch.
      deleteSuperseded: db.prepare(
        `DELETE FROM kine WHERE id IN (
           SELECT prev_revision FROM kine
           WHERE id >= @from AND id < @to AND prev_revision != 0 AND name != '${COMPACT_REV_KEY}')`,
      ),
      // A deletion below the target: reads at the target see no key either way. The
      // tombstone at the target itself stays, so a watch from there still sees it.
      deleteTombstones: db.prepare(`DELETE FROM kine WHERE deleted = 1 AND id >= @from AND id < @to`),
      setCompactRevision: db.prepare(`UPDATE kine SET prev_revision = ? WHERE name = '${COMPACT_REV_KEY}'`),
    };
  }

  /**
   * The batch in one transaction. Each write is judged on the rows before it,
   * the batch's own included, so compare-and-swap holds within a batch as
   * across batches. A refused write wrote nothing; anything else (a full disk)
   * rolls the whole batch back and throws.
   */
  commit(batch: readonly WriteRequest[]): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    this.db
      .transaction(() => {
        for (const request of batch) {
          try {
            outcomes.push({ row: this.write(request) });
          } catch (err) {
            if (err instanceof StoreError) outcomes.push({ refused: { code: err.code, message: err.message, ...(err.current ? { current: err.current } : {}) } });
            // Another connection's row in the way: the store says which refusal it is, from what is there now.
            else if (isUniqueViolation(err)) outcomes.push({ refused: { code: 'Unique', message: String((err as Error).message) } });
            else throw err;
          }
        }
      })
      .immediate();
    return outcomes;
  }

  /**
   * One step of compaction towards `revision`, one transaction that also moves
   * the compaction point, so reads stay consistent between steps and writes
   * interleave with a long compaction. True once the point reached `revision`.
   */
  compactStep(revision: number): boolean {
    return this.db
      .transaction(() => {
        const from = this.stmt.compactRevision.get() ?? 0;
        if (revision <= from) return true;
        const to = Math.min(from + COMPACT_BATCH, revision);
        this.stmt.deleteSuperseded.run({ from, to });
        this.stmt.deleteTombstones.run({ from, to });
        this.stmt.setCompactRevision.run(to);
        return to === revision;
      })
      .immediate();
  }

  private write(request: WriteRequest): RowHead & { value?: string | null } {
    // Only the head: reading the newest value back (kilobytes for a pod) on every write cost more than the write's checks.
    const latest = this.stmt.latestHead.get(request.key);
    if (request.op === 'create') {
      if (latest && !latest.deleted) throw new StoreError('KeyExists', `key ${request.key} already exists`);
      // A re-created key succeeds its tombstone, which keeps (name, prev_revision) unique.
      return this.append({ name: request.key, created: 1, deleted: 0, create_revision: 0, prev_revision: latest?.id ?? 0 }, request.value);
    }
    if (!latest || latest.deleted) throw new StoreError('KeyNotFound', `key ${request.key} not found`);
    if (request.expected !== undefined && latest.id !== request.expected) {
      throw new StoreError(
        'Conflict',
        `key ${request.key} was modified: expected revision ${request.expected}, found ${latest.id}`,
        keyValueOf({ ...latest, value: this.stmt.valueAt.get(latest.id) ?? null, old_value: null }),
      );
    }
    const successor = { name: request.key, created: 0, create_revision: createRevisionOf(latest), prev_revision: latest.id };
    if (request.op === 'update') return this.append({ ...successor, deleted: 0 }, request.value);
    // kine keeps the deleted value in the tombstone: it is the DELETE event's kv.
    const deletedValue = this.stmt.valueAt.get(latest.id) ?? null;
    return { ...this.append({ ...successor, deleted: 1 }, deletedValue), value: deletedValue };
  }

  private append(head: Omit<RowHead, 'id'>, value: string | null): RowHead {
    const result = this.stmt.insert.run(head.name, head.created, head.deleted, head.create_revision, head.prev_revision, value);
    return { id: Number(result.lastInsertRowid), ...head };
  }
}

/** A row's head and the value it was written with. */
export function rowOf(head: RowHead & { value?: string | null }, written: string | null): Row {
  return { ...head, value: head.value !== undefined ? head.value : written, old_value: null };
}
