// Child process of the store crash test: writes to a SqliteStore as fast as it
// can and prints each write only after the store acknowledged it, one line
// `REVISION KEY VALUE`. The test SIGKILLs it mid-stream.
//
// Usage: node --import tsx test/helpers/storeCrashWriter.ts <db path> <normal|full>

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
  // stdout to a pipe is synchronous on Linux: once written, the parent can read it.
  process.stdout.write(`${kv.modRevision} ${kv.key} ${kv.value.slice(0, kv.value.indexOf('-'))}\n`);
}
