// The application menu: the platform's standard menus, plus PodLab's help.

import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

export function installMenu(kubeconfigPath: () => string | undefined): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Show the kubeconfig in its folder',
          click: () => {
            const path = kubeconfigPath();
            if (path) shell.showItemInFolder(path);
          },
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
