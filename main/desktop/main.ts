// The Electron main process: one instance, one window, the embedded cluster.
// Startup order matters: the app:// scheme is registered before `ready`, the
// window is created at once (so progress shows while the cluster starts),
// and quitting waits for the cluster to stop so the store closes cleanly.

import { app, BrowserWindow, session, shell } from 'electron';
import { appPaths } from '../appPaths.ts';
import { podlabHome } from '../cluster/dataDir.ts';
import { appIndexUrl } from './appOrigin.ts';
import { registerAppScheme, serveRenderer } from './appProtocol.ts';
import { ClusterHost } from '../ui/clusterHost.ts';
import { wireBridge } from './ipcBridge.ts';
import { installMenu } from './menu.ts';
import { mayNavigate, windowOpenDecision } from './navigationPolicy.ts';
import { browserWindowOptions } from './windowOptions.ts';
import { withKubeconfigContexts } from '../ui/kubeconfigHost.ts';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  let window: BrowserWindow | undefined;
  const host = new ClusterHost({
    mode: 'desktop',
    home: podlabHome(),
    samplesDir: appPaths.samples,
    openExternal: (url) => shell.openExternal(url),
  });

  const createWindow = () => {
    window = new BrowserWindow(browserWindowOptions({ preload: appPaths.preload, icon: appPaths.icon }));
    window.webContents.on('will-navigate', (event, url) => {
      if (!mayNavigate(url)) event.preventDefault();
    });
    window.webContents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url);
      if (decision.openExternally) void shell.openExternal(url);
      return { action: decision.action };
    });
    window.once('ready-to-show', () => window?.show());
    void window.loadURL(appIndexUrl);
  };

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    // The page needs no camera, notifications or the like: refuse every permission but writing to the clipboard.
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
    serveRenderer(appPaths.renderer);
    wireBridge(withKubeconfigContexts(host));
    installMenu(() => host.status.get().kubeconfigPath);
    createWindow();
    void host.start(host.lastCluster());
  });

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void host.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}
