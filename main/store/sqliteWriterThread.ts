// The writer thread's program: the SQLite store's writes under load
// (writerThread.ts starts it, sqliteWriter.ts is what it runs). It answers
// each job on its own connection to the file, one at a time, in the order
// sent, and says whether another connection committed since its last job
// (the store then reads the file afresh, as it does for its own connection).

import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './sqliteRows.ts';
import { SqliteWriter } from './sqliteWriter.ts';
import type { WriterJob, WriterReply, WriterThreadData } from './writerMessages.ts';

const port = parentPort!;
const { path, durability } = workerData as WriterThreadData;
const db = openConnection(path, durability);
const writer = new SqliteWriter(db);
// Changes when another connection commits; this connection's own commits leave it as it is.
const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
let seenVersion = dataVersion.get();

port.on('message', (job: WriterJob) => {
  if (job.type === 'close') {
    db.close();
    port.postMessage({ id: job.id, foreign: false, result: true } satisfies WriterReply);
    port.close();
    return;
  }
  const version = dataVersion.get();
  const foreign = version !== seenVersion && !job.first;
  seenVersion = version;
  let reply: WriterReply;
  try {
    reply = { id: job.id, foreign, result: job.type === 'commit' ? writer.commit(job.writes) : writer.compactStep(job.revision) };
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    reply = { id: job.id, foreign, failed: { code: code ?? '', message: message ?? String(err) } };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, foreign: false, result: true } satisfies WriterReply);
