// helper.DefaultNormalizeScore: scales raw scores so the best node gets
// `maxPriority`; `reverse` makes fewer raw points better (e.g. fewer
// untolerated PreferNoSchedule taints). Integer arithmetic, as in Go.

import type { NodeScore } from './framework.ts';

export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  const maxCount = scores.reduce((max, { score }) => Math.max(max, score), 0);
  if (maxCount === 0) {
    if (reverse) for (const entry of scores) entry.score = maxPriority;
    return;
  }
  for (const entry of scores) {
    const scaled = Math.trunc((maxPriority * entry.score) / maxCount);
    entry.score = reverse ? maxPriority - scaled : scaled;
  }
}
