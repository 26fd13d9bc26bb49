// The kubelet's AtomicWriter: files in a timestamped directory behind
// `..data`, top-level names linked through it, a new payload swapped in
// whole (old directory and stale links gone), an unchanged one left alone,
// and concurrent writes of one directory applied one after the other.

import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AtomicWriter, type FileProjection } from '../../main/kubelet/atomicWriter.ts';

const root = mkdtempSync(join(tmpdir(), 'podlab-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

const payload = (files: Record<string, string>, mode = 0o644): Map<string, FileProjection> => new Map(Object.entries(files).map(([path, text]) => [path, { data: Buffer.from(text), mode }]));
const timestamped = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('..') && name !== '..data');

test('a first write makes the directory, the timestamped files, ..data and the top-level links', async () => {
  const dir = join(root, 'first', 'vol');
  assert.equal(await new AtomicWriter().write(dir, payload({ token: 't', 'sub/dir/key': 'k' }, 0o600)), true);
  assert.deepEqual(readdirSync(dir).filter((name) => !name.startsWith('..')).sort(), ['sub', 'token']);
  const data = readlinkSync(join(dir, '..data'));
  assert.deepEqual(timestamped(dir), [data]);
  assert.equal(readlinkSync(join(dir, 'token')), join('..data', 'token'));
  assert.equal(lstatSync(join(dir, 'sub')).isSymbolicLink(), true);
  assert.equal(readFileSync(join(dir, 'sub', 'dir', 'key'), 'utf8'), 'k');
  assert.equal(statSync(join(dir, data, 'token')).mode & 0o777, 0o600);
});

test('an unchanged payload is not rewritten; a changed one replaces the old directory and stale links', async () => {
  const dir = join(root, 'update');
  const writer = new AtomicWriter();
  await writer.write(dir, payload({ a: '1', b: '2' }));
  const first = readlinkSync(join(dir, '..data'));
  assert.equal(await writer.write(dir, payload({ a: '1', b: '2' })), false);
  assert.equal(readlinkSync(join(dir, '..data')), first);

  assert.equal(await writer.write(dir, payload({ a: 'one', c: '3' })), true);
  const second = readlinkSync(join(dir, '..data'));
  assert.notEqual(second, first);
  assert.deepEqual(timestamped(dir), [second]);
  assert.deepEqual(readdirSync(dir).filter((name) => !name.startsWith('..')).sort(), ['a', 'c']);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'one');
});

test('a directory removed from under the writer is written again', async () => {
  const dir = join(root, 'removed');
  const writer = new AtomicWriter();
  await writer.write(dir, payload({ a: '1' }));
  rmSync(dir, { recursive: true });
  assert.equal(await writer.write(dir, payload({ a: '1' })), true);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
});

test('writes of one directory by two writers at once end with the last payload and nothing left over', async () => {
  const dir = join(root, 'concurrent');
  const writes = ['1', '2', '3', '4'].map((text) => new AtomicWriter().write(dir, payload({ a: text })));
  assert.deepEqual(await Promise.all(writes), [true, true, true, true]);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '4');
  assert.deepEqual(readdirSync(dir).sort(), ['..data', ...timestamped(dir), 'a'].sort());
  assert.equal(timestamped(dir).length, 1);
});
