// RecentText: the last part of a followed log the Logs tab keeps for Download.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentText } from '../../renderer/pod/recentText.ts';

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

test('under the limit it keeps everything, as it came', () => {
  const text = new RecentText(1000);
  text.append('a\nb');
  text.append('c\n');
  assert.equal(text.text(), 'a\nbc\n');
});

test('past the limit it keeps the last lines, cut at a line start, never more than the limit', () => {
  const text = new RecentText(100);
  for (let i = 0; i < 1000; i += 10) text.append(lines(i, i + 10));
  const kept = text.text();
  assert.ok(kept.length <= 100, `${kept.length} characters kept`);
  assert.ok(kept.startsWith('line '));
  assert.ok(kept.endsWith('line 999\n'));
  // Whole lines, in order, up to the last.
  const numbers = kept.trim().split('\n').map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(numbers, numbers.map((_, i) => 1000 - numbers.length + i));
});

test('pieces of one line across the cut still make whole lines', () => {
  const text = new RecentText(20);
  for (const piece of ['line 1\nli', 'ne 2\nline', ' 3\nline 4', '\nline 5\n']) text.append(piece);
  assert.equal(text.text(), 'line 4\nline 5\n');
});

test('a long follow ends with its last lines, and clear starts over', () => {
  const text = new RecentText(1000);
  for (let i = 0; i < 100_000; i++) text.append(`line ${i}\n`);
  assert.ok(text.text().length <= 1000);
  assert.ok(text.text().endsWith('line 99999\n'));
  text.clear();
  assert.equal(text.text(), '');
  text.append('again\n');
  assert.equal(text.text(), 'again\n');
});
