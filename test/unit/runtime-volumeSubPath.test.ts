// Preparing a subPath inside a volume directory, as the kubelet's
// SafeMakeDir does: missing directories are made, symlinks are refused.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { prepareSubPath } from '../../main/runtime/docker/volumeSubPath.ts';

describe('prepareSubPath', () => {
  const root = mkdtempSync(join(tmpdir(), 'podlab-subpath-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes missing directories and returns the path inside the volume', () => {
    assert.equal(prepareSubPath(root, 'a/b', 'v'), join(root, 'a', 'b'));
    assert.ok(existsSync(join(root, 'a', 'b')));
  });

  it('accepts an existing file as the last component', () => {
    writeFileSync(join(root, 'a', 'file'), 'x');
    assert.equal(prepareSubPath(root, 'a/file', 'v'), join(root, 'a', 'file'));
  });

  it('refuses a symlink anywhere on the path, so a container cannot point the mount out of the volume', () => {
    symlinkSync('/', join(root, 'escape'));
    assert.throws(() => prepareSubPath(root, 'escape/etc', 'v'), /subpath "escape\/etc" of volume "v": "escape" is a symlink/);
    mkdirSync(join(root, 'd'));
    symlinkSync('/etc', join(root, 'd', 'link'));
    assert.throws(() => prepareSubPath(root, 'd/link', 'v'), /"d\/link" is a symlink/);
  });
});
