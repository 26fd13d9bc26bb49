// Browser mode lets in only the page it served, with the token it printed:
// a WebSocket without the token, or from another origin, is refused at the
// upgrade, and the page without the token shows no cluster data at all.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { kubectlOk } from '../helpers/kubectl.ts';
import { launchChromium, screenshot, startBrowserModeServe, stopServe, type BrowserModeServe } from './browserMode.ts';

let s: BrowserModeServe;
let browser: Browser;

before(async () => {
  s = await startBrowserModeServe();
  browser = await launchChromium();
  await kubectlOk(s.serve.kubeconfig, ['run', 'secret-pod', '--image=busybox:1.36', '--restart=Never', '--', 'sleep', '3600']);
});

after(async () => {
  await browser?.close();
  await stopServe(s);
});

function tokenOf(url: string): string {
  return new URLSearchParams(new URL(url).hash.slice(1)).get('token')!;
}

/** Opens the bridge socket: resolves with the HTTP status of a refused upgrade, or 101 once open. */
function openSocket(protocols: string[], origin: string | undefined): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/bridge`, protocols, origin ? { origin } : {});
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

test('the WebSocket refuses a missing token', async () => {
  assert.equal((await openSocket(['podlab.v1'], s.origin)).status, 401);
  assert.equal((await openSocket(['podlab.v1', 'podlab.token.wrong'], s.origin)).status, 401);
});

test('the WebSocket refuses a foreign Origin, and a missing one, even with the token', async () => {
  const protocols = ['podlab.v1', `podlab.token.${tokenOf(s.url)}`];
  assert.equal((await openSocket(protocols, 'http://evil.example')).status, 403);
  assert.equal((await openSocket(protocols, 'http://localhost' + s.origin.slice(s.origin.lastIndexOf(':')))).status, 403);
  assert.equal((await openSocket(protocols, undefined)).status, 403);
});

test('with the token and its own Origin the bridge answers', async () => {
  const { status, ws } = await openSocket(['podlab.v1', `podlab.token.${tokenOf(s.url)}`], s.origin);
  assert.equal(status, 101);
  const reply = await new Promise<{ id: number; result?: { phase: string; mode: string } }>((resolve) => {
    ws!.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.id === 1) resolve(message);
    });
    ws!.send(JSON.stringify({ id: 1, call: 'cluster.status' }));
  });
  ws!.close();
  assert.equal(reply.result?.phase, 'running');
  assert.equal(reply.result?.mode, 'browser');
});

test('static responses carry a strict Content-Security-Policy', async () => {
  const res = await fetch(`${s.origin}/`);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
});

test('the page without the token shows no cluster data, only how to get in', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  for (const address of [`${s.origin}/`, `${s.origin}/#token=not-the-token`]) {
    await page.goto(address);
    await page.getByText('open the URL printed by podlab serve').waitFor({ timeout: 10_000 });
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /secret-pod|default|kube-system/, `no cluster data may show at ${address}`);
  }
  await screenshot(page, 'locked-without-token');
  await page.close();
});
