// The main window's options, kept pure so a unit test can hold every
// security setting in place without starting Electron: the page runs
// sandboxed and isolated, with no Node.js, and reaches the main side only
// through the preload's bridge.

import type { BrowserWindowConstructorOptions } from 'electron';

export function browserWindowOptions(paths: { preload: string; icon?: string }): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    title: 'PodLab',
    backgroundColor: '#0f141a',
    show: false,
    ...(paths.icon ? { icon: paths.icon } : {}),
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}
