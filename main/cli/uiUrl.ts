// Where the UI's URL goes: its token is admin power over the cluster, so the
// URL is always written to a file only its owner can read, and printed on
// stdout (`UI: URL`, which scripts and `npm start` users rely on) unless
// `--hide-ui-token` asks for the line without the token.

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const uiUrlFlags = { 'hide-ui-token': { type: 'boolean' } } as const;

/** Writes `<dir>/ui-url` (0600) and prints the `UI:` line. */
export function announceUiUrl(url: string, dir: string, hideToken: boolean | undefined): void {
  const file = join(dir, 'ui-url');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${url}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  process.stdout.write(hideToken ? `UI: ${url.replace(/#.*$/, '')} (open the URL with its token, from ${file})\n` : `UI: ${url}\n`);
}
