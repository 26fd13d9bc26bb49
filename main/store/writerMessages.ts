// What the store and its writer thread say to each other (writerThread.ts,
// sqliteWriterThread.ts): plain data, copied between the threads.

import type { Durability } from './sqliteRows.ts';
import type { WriteOutcome, WriteRequest } from './sqliteWriter.ts';

export interface WriterThreadData {
  path: string;
  durability: Durability;
}

/**
 * `first`: the thread's first job. The store may have written on its own
 * connection while the thread was opening the file; those commits are not
 * another writer's.
 */
export type WriterJob =
  | { id: number; first?: true; type: 'commit'; writes: WriteRequest[] }
  | { id: number; first?: true; type: 'compact'; revision: number }
  | { id: number; type: 'close' };

/** The answer to job `id` (0: the thread has opened the file). `foreign`: another connection committed since the thread's last job. */
export type WriterReply = { id: number; foreign: boolean } & ({ result: WriteOutcome[] | boolean } | { failed: { code: string; message: string } });
