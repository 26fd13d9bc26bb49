// A partial benchmark run replaces only its own sections of REPORT.md.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeReport } from '../bench/report.ts';

describe('bench report merge', () => {
  it('replaces the sections that ran and keeps the others', () => {
    const existing = '# PodLab benchmarks\n\nRun A.\n\n## Store\n\nold store\n\n## UI\n\nold ui\n';
    const fresh = '# PodLab benchmarks\n\nRun B.\n\n## UI\n\nnew ui\n';
    const merged = mergeReport(existing, fresh);
    assert.match(merged, /## Store\n\nold store/);
    assert.match(merged, /## UI\n\n_Run B \(this section\)\._\n\nnew ui/);
    assert.doesNotMatch(merged, /old ui/);
    assert.ok(merged.startsWith('# PodLab benchmarks\n\nRun A.'));
  });
});
