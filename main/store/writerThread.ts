// The SQLite store's writer thread, seen from the store: jobs (a batch of
// writes, a compaction step) go to sqliteWriterThread.ts and come back as
// promises. The thread costs ~10 MB and ~60 ms to start, so the store starts
// it only under load and stops it when writes go quiet (sqlite.ts).

import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appPaths, appRoot, runsFromSources } from '../appPaths.ts';
import { lazyModule } from '../lazyModule.ts';
import type { Durability } from './sqliteRows.ts';
import type { WriteOutcome, WriteRequest } from './sqliteWriter.ts';
import type { WriterJob, WriterReply, WriterThreadData } from './writerMessages.ts';

export interface Answer<T> {
  result: T;
  /** Another connection committed to the file since the thread's previous job. */
  foreign: boolean;
}

/** The thread stopped without answering: whether the job it held was committed is unknown. */
export class WriterLostError extends Error {
  constructor(reason: string) {
    super(`the store's writer thread stopped: ${reason}`);
    this.name = 'WriterLostError';
  }
}

type Waiting = { resolve: (reply: WriterReply) => void; reject: (err: Error) => void };

// Loaded with the first thread, not as PodLab starts: most starts never need one.
const workerThreads = lazyModule<typeof import('node:worker_threads')>('node:worker_threads');

function startWorker(data: WriterThreadData): Worker {
  const { Worker } = workerThreads();
  if (!runsFromSources) return new Worker(appPaths.storeWriterThread, { workerData: data });
  // From the TypeScript sources (tests): the thread compiles its program with tsx's CommonJS hook, as the main thread's `--import tsx` does.
  const require = createRequire(import.meta.url);
  const program = join(appRoot, 'main', 'store', 'sqliteWriterThread.ts');
  const shim = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(program)});`;
  return new Worker(shim, { eval: true, workerData: data });
}

export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private sentFirst = false;
  private lost: WriterLostError | undefined;
  /** stop() was called: the thread's end is expected, not reported as lost. */
  private stopping = false;
  /** Settles once the thread has opened the file (or failed to). */
  readonly ready: Promise<void>;

  /** `onLost`: the thread stopped on its own (a crash, a failed start), not through stop(). */
  constructor(path: string, durability: Durability, onLost: (err: WriterLostError) => void) {
    this.worker = startWorker({ path, durability });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => this.waiting.set(0, { resolve: () => resolve(), reject }));
    // A failed start is reported through onLost; nobody else need catch it.
    this.ready.catch(() => undefined);
    this.worker.on('message', (reply: WriterReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      waiting?.resolve(reply);
    });
    const lose = (reason: string) => {
      const first = !this.lost;
      this.lost ??= new WriterLostError(this.stopping ? 'stopped' : reason);
      // Whatever is still waiting gets no answer now (stop()'s own close included, if the thread ended first).
      for (const waiting of this.waiting.values()) waiting.reject(this.lost);
      this.waiting.clear();
      if (first && !this.stopping) onLost(this.lost);
    };
    this.worker.on('error', (err) => lose(err.message));
    this.worker.on('exit', (code) => lose(`exited with code ${code}`));
  }

  async commit(writes: WriteRequest[]): Promise<Answer<WriteOutcome[]>> {
    return (await this.run({ id: this.nextId++, ...this.firstMark(), type: 'commit', writes })) as Answer<WriteOutcome[]>;
  }

  async compactStep(revision: number): Promise<Answer<boolean>> {
    return (await this.run({ id: this.nextId++, ...this.firstMark(), type: 'compact', revision })) as Answer<boolean>;
  }

  private firstMark(): { first?: true } {
    if (this.sentFirst) return {};
    this.sentFirst = true;
    return { first: true };
  }

  /** Closes the thread's connection once the jobs sent before are answered, then ends the thread. */
  async stop(): Promise<void> {
    if (this.lost || this.stopping) return;
    this.stopping = true;
    await this.send({ id: this.nextId++, type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private async run(job: WriterJob): Promise<Answer<WriteOutcome[] | boolean>> {
    if (this.lost || this.stopping) throw this.lost ?? new WriterLostError('stopped');
    const reply = await this.send(job);
    if ('failed' in reply) throw Object.assign(new Error(reply.failed.message), { code: reply.failed.code });
    return { result: reply.result, foreign: reply.foreign };
  }

  private send(job: WriterJob): Promise<WriterReply> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise<WriterReply>((resolve, reject) => {
      this.waiting.set(job.id, { resolve, reject });
      // Held while it has work: an answer on its way keeps the process alive, an idle thread does not.
      this.worker.ref();
      this.worker.postMessage(job);
    });
  }
}
