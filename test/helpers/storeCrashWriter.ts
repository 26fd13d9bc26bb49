// Child process of the store crash test: writes to a SqliteStore as fast as it
// can and prints each write only after the store acknowledged it, one line
// `REVISION KEY VALUE`. The test SIGKILLs it mid-stream.
//
// Usage: node --import tsx test/helpers/storeCrashWriter.ts <db path> <normal|full>

import { once } from 'node:events';
import { SqliteStore } from '../../main/store/sqlite.ts';
import type { KeyValue } from '../../main/store/store.ts';

const [path, durability] = process.argv.slice(2);
if (!path || (durability !== 'normal' && durability !== 'full')) {
  console.error('usage: storeCrashWriter.ts <db path> <normal|full>');
  process.exit(2);
}

const store = new SqliteStore({ path, durability });
const padding = 'x'.repeat(512);
const written: KeyValue[] = [];
for (let i = 0; ; i++) {
  // Two creates, then an update of an earlier key: the log gets both kinds of rows.
  let kv: KeyValue;
  if (i % 3 === 2) {
    const slot = (i * 7) % written.length;
    kv = await store.update(written[slot]!.key, `v${i}-${padding}`, written[slot]!.modRevision);
    written[slot] = kv;
  } else {
    kv = await store.create(`/crash/k${i}`, `v${i}-${padding}`);
    written.push(kv);
  }
  // The store answers synchronously, so this loop never yields on its own: when the pipe is full
  // (a busy parent reads slowly), wait for it to drain, or unflushed lines pile up in memory.
  if (!process.stdout.write(`${kv.modRevision} ${kv.key} ${kv.value.slice(0, kv.value.indexOf('-'))}\n`)) await once(process.stdout, 'drain');
}
