// hostPath `type` checks, as the hostPath volume plugin makes them before
// mounting: DirectoryOrCreate and FileOrCreate create what is missing, the
// other types require it to exist and be of that kind.

import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Undefined when the path fits its type, else the plugin's error message. */
export function checkHostPathType(path: string, type: string | undefined): string | undefined {
  let found = stat(path);
  switch (type ?? '') {
    case '':
      return undefined;
    case 'DirectoryOrCreate':
      if (!found) {
        mkdirSync(path, { recursive: true, mode: 0o755 });
        return undefined;
      }
      return found.isDirectory() ? undefined : `hostPath type check failed: ${path} is not a directory`;
    case 'FileOrCreate':
      if (!found) {
        closeSync(openSync(path, 'a', 0o644));
        found = stat(path);
      }
      return found?.isFile() ? undefined : `hostPath type check failed: ${path} is not a file`;
    case 'Directory':
      return found?.isDirectory() ? undefined : `hostPath type check failed: ${path} is not a directory`;
    case 'File':
      return found?.isFile() ? undefined : `hostPath type check failed: ${path} is not a file`;
    case 'Socket':
      return found?.isSocket() ? undefined : `hostPath type check failed: ${path} is not a socket file`;
    case 'CharDevice':
      return found?.isCharacterDevice() ? undefined : `hostPath type check failed: ${path} is not a character device`;
    case 'BlockDevice':
      return found?.isBlockDevice() ? undefined : `hostPath type check failed: ${path} is not a block device`;
    default:
      return `hostPath type check failed: unknown type ${type}`;
  }
}
