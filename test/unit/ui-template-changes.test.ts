import assert from 'node:assert/strict';
import { test } from 'node:test';
import { templateChanges } from '../../main/ui/templateChanges.ts';

const base = {
  metadata: { labels: { app: 'web', 'pod-template-hash': 'aaa' } },
  spec: { containers: [{ name: 'web', image: 'busybox:1.36', env: [{ name: 'A', value: '1' }] }], restartPolicy: 'Always' },
};

test('rollout revisions say what changed: an image, env, a restart, containers added, pod fields', () => {
  const newImage = { ...base, metadata: { labels: { app: 'web', 'pod-template-hash': 'bbb' } }, spec: { ...base.spec, containers: [{ ...base.spec.containers[0]!, image: 'busybox:1.37' }] } };
  assert.deepEqual(templateChanges(base, newImage), ['web image busybox:1.36 → busybox:1.37']);
  const restarted = { ...base, metadata: { ...base.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-12-05T13:00:00Z' } } };
  assert.deepEqual(templateChanges(base, restarted), ['restarted at 2026-12-05T13:00:00Z']);
  const more = { ...base, spec: { ...base.spec, containers: [{ ...base.spec.containers[0]!, env: [] }, { name: 'logs', image: 'busybox:1.36' }], nodeSelector: { disk: 'ssd' } } };
  assert.deepEqual(templateChanges(base, more), ['web env', 'logs added', 'nodeSelector']);
  assert.deepEqual(templateChanges(base, base), []);
});
