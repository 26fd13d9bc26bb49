// lazyComponent: a part of the window loaded on first use, and what shows when it cannot be loaded.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToReadableStream } from 'react-dom/server';
import { lazyComponent } from '../../renderer/lazyComponent.tsx';

async function rendered(element: ReturnType<typeof createElement>): Promise<string> {
  const stream = await renderToReadableStream(element);
  await stream.allReady;
  return new Response(stream).text();
}

test('the part renders with its props once its module has loaded', async () => {
  const Part = lazyComponent(async () => ({ who }: { who: string }) => createElement('p', null, `hello ${who}`), 'greeting');
  assert.match(await rendered(createElement(Part, { who: 'pod' })), /hello pod/);
});

test('a part whose module cannot be loaded says so, and what to do, instead of failing the window', async () => {
  const Part = lazyComponent<{ who: string }>(() => Promise.reject(new Error('Failed to fetch dynamically imported module')), 'log terminal');
  const html = await rendered(createElement(Part, { who: 'pod' }));
  assert.match(html, /role="alert"/);
  assert.match(html, /The log terminal could not be loaded \(Failed to fetch dynamically imported module\)\. Reload the window\./);
});
