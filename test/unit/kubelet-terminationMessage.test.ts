// The kubelet's termination-message files: one per container instance, made
// writable by any user, skipped when a volume covers the path, and only the
// current and previous instances' files kept.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { terminationMessageMount } from '../../main/kubelet/terminationMessage.ts';

const podDir = mkdtempSync(join(tmpdir(), 'podlab-termlog-'));
after(() => rmSync(podDir, { recursive: true, force: true }));

test('each instance gets its own file at the container path; only the last two are kept', async () => {
  const container = { name: 'app', image: 'busybox:1.36', terminationMessagePath: '/dev/termination-log' };
  for (let restart = 0; restart <= 4; restart++) {
    const mount = await terminationMessageMount(podDir, container, restart);
    assert.equal(mount?.containerPath, '/dev/termination-log');
    assert.deepEqual(mount?.source, { type: 'hostPath', path: join(podDir, 'containers', 'app', `termination-log-${restart}`) });
    assert.equal(statSync(join(podDir, 'containers', 'app', `termination-log-${restart}`)).mode & 0o777, 0o666);
  }
  assert.deepEqual(readdirSync(join(podDir, 'containers', 'app')).sort(), ['termination-log-3', 'termination-log-4']);
});

test('no file when the path is empty or a volume is mounted there', async () => {
  assert.equal(await terminationMessageMount(podDir, { name: 'none', image: 'x', terminationMessagePath: '' }, 0), undefined);
  assert.equal(await terminationMessageMount(podDir, { name: 'vol', image: 'x', terminationMessagePath: '/logs/why', volumeMounts: [{ name: 'logs', mountPath: '/logs/why' }] }, 0), undefined);
  assert.equal(existsSync(join(podDir, 'containers', 'vol')), false);
});
