// duration.HumanDuration, with the cases from apimachinery's duration_test.go.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ageSince, humanDuration } from '../../main/apiserver/resources/shared/humanDuration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  const cases: Array<[number, string]> = [
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [1 * s, '1s'],
    [59 * s, '59s'],
    [60 * s, '60s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 1 * s, '2m1s'],
    [3 * m + 20 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 59 * s, '10m'],
    [3 * h - 1 * s, '179m'],
    [3 * h, '3h'],
    [3 * h + 1 * m, '3h1m'],
    [8 * h - 1 * s, '7h59m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [8 * d - 1 * s, '7d23h'],
    [8 * d, '8d'],
    [2 * y - 1 * s, '729d'],
    [2 * y, '2y'],
    [2 * y + 10 * d, '2y10d'],
    [8 * y - 1 * s, '7y364d'],
    [8 * y, '8y'],
  ];
  for (const [ms, expected] of cases) it(`${ms}ms is ${expected}`, () => assert.equal(humanDuration(ms), expected));
});

describe('ageSince', () => {
  it('measures from a timestamp', () => assert.equal(ageSince('2025-01-01T00:00:00Z', new Date('2025-01-01T00:05:00Z')), '5m'));
  it('is <unknown> without one', () => assert.equal(ageSince(undefined, new Date()), '<unknown>'));
});
