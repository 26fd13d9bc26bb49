// kine's table as the SQLite store keeps it: one log of rows, the row id the
// revision. Shared by the store (main thread: reads, watches) and its writer
// (sqliteWriter.ts, on the event loop or on the writer thread), which each
// open their own connection to the file with openConnection.

import Database from 'better-sqlite3';
import type { KeyValue } from './store.ts';

/**
 * kine's bookkeeping row: its prev_revision holds the compaction point, so it
 * survives restarts in the same file. Like kine, it is written when the file is
 * created, so a fresh store is at revision 1, as a fresh etcd is.
 */
export const COMPACT_REV_KEY = 'compact_rev_key';

export interface Row {
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
export type RowHead = Omit<Row, 'value' | 'old_value'>;

export const SCHEMA = [
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

export type Durability = 'normal' | 'full';

/** A connection with the store's settings: WAL, the durability asked for, a wait for another connection's lock. */
export function openConnection(path: string, durability: Durability = 'normal'): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    // A reader in another process, or the store's other connection, may hold the lock for a moment; wait rather than fail.
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function createRevisionOf(row: RowHead): number {
  return row.created ? row.id : row.create_revision;
}

export function keyValueOf(row: Row): KeyValue {
  return { key: row.name, value: row.value ?? '', createRevision: createRevisionOf(row), modRevision: row.id };
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * SQLite refused a write because the disk (or the file system's quota) is
 * full. The transaction is rolled back whole, so the store stays as it was
 * and takes writes again once there is space.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR_WRITE') || code === 'SQLITE_IOERR_SHMSIZE';
}
