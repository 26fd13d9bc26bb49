// The desktop window's security settings and the IPC sender check, without
// Electron (these modules are pure on purpose).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appOrigin } from '../../main/desktop/appOrigin.ts';
import { isTrustedSender } from '../../main/desktop/ipcSender.ts';
import { mayNavigate, windowOpenDecision } from '../../main/desktop/navigationPolicy.ts';
import { browserWindowOptions } from '../../main/desktop/windowOptions.ts';

test('the window is isolated, sandboxed, without Node.js, with web security on', () => {
  const options = browserWindowOptions({ preload: '/app/dist/preload/index.cjs' });
  assert.deepEqual(
    {
      contextIsolation: options.webPreferences?.contextIsolation,
      sandbox: options.webPreferences?.sandbox,
      nodeIntegration: options.webPreferences?.nodeIntegration,
      nodeIntegrationInWorker: options.webPreferences?.nodeIntegrationInWorker,
      nodeIntegrationInSubFrames: options.webPreferences?.nodeIntegrationInSubFrames,
      webSecurity: options.webPreferences?.webSecurity,
      allowRunningInsecureContent: options.webPreferences?.allowRunningInsecureContent,
      webviewTag: options.webPreferences?.webviewTag,
      navigateOnDragDrop: options.webPreferences?.navigateOnDragDrop,
    },
    {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  );
  assert.equal(options.webPreferences?.preload, '/app/dist/preload/index.cjs');
});

test('only PodLab\'s own top-level page may call the bridge', () => {
  assert.equal(appOrigin, 'app://podlab');
  assert.ok(isTrustedSender({ url: 'app://podlab/index.html', parent: null }));
  assert.ok(isTrustedSender({ url: 'app://podlab/index.html#/pods', parent: null }));
  assert.ok(!isTrustedSender({ url: 'app://podlab/index.html', parent: {} }), 'a subframe, even of the same origin');
  assert.ok(!isTrustedSender({ url: 'https://evil.example/', parent: null }));
  assert.ok(!isTrustedSender({ url: 'file:///home/me/index.html', parent: null }));
  assert.ok(!isTrustedSender({ url: 'app://podlab.evil/index.html', parent: null }));
  assert.ok(!isTrustedSender({ url: 'app://evil@podlab/', parent: null }) || new URL('app://evil@podlab/').host === 'podlab');
  assert.ok(!isTrustedSender({ url: 'not a url', parent: null }));
  assert.ok(!isTrustedSender(null), 'a destroyed frame');
});

test('the window never navigates and opens only local Service URLs, outside itself', () => {
  assert.equal(mayNavigate('https://example.com/'), false);
  assert.equal(mayNavigate('app://podlab/index.html'), false);
  assert.deepEqual(windowOpenDecision('http://127.0.0.1:30080/'), { action: 'deny', openExternally: true });
  assert.deepEqual(windowOpenDecision('http://localhost:8080/x'), { action: 'deny', openExternally: true });
  assert.deepEqual(windowOpenDecision('https://evil.example/'), { action: 'deny', openExternally: false });
  assert.deepEqual(windowOpenDecision('file:///etc/passwd'), { action: 'deny', openExternally: false });
  assert.deepEqual(windowOpenDecision('http://user:pw@127.0.0.1:80/'), { action: 'deny', openExternally: false });
});
