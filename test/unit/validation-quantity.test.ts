// resource.Quantity parsing and canonical printing, with cases from quantity_test.go.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, milliValue, parseQuantity, quantityFormatError, quantityValue } from '../../main/kube/quantity.ts';

describe('parseQuantity', () => {
  const values: Array<[string, number, number]> = [
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['0.5', 500, 1],
    ['1e3', 1_000_000, 1000],
    ['1Ki', 1_024_000, 1024],
    ['1Gi', 1_073_741_824_000, 1_073_741_824],
    ['1.5Gi', 1_610_612_736_000, 1_610_612_736],
    ['128Mi', 134_217_728_000, 134_217_728],
    ['1k', 1_000_000, 1000],
    ['1M', 1_000_000_000, 1_000_000],
    ['250u', 1, 1],
    ['5n', 1, 1],
    ['-1', -1000, -1],
    ['0', 0, 0],
    ['.5', 500, 1],
  ];
  for (const [text, milli, value] of values) {
    it(`${text} is ${milli} milli-units, ${value} units`, () => {
      assert.equal(milliValue(text), milli);
      assert.equal(quantityValue(text), value);
    });
  }

  for (const bad of ['', 'abc', '1Gb', '1 Gi', 'Gi', '1.1.1', '1e', '.']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseQuantity(bad)));
  }
  it("reports Kubernetes' format message", () => assert.throws(() => parseQuantity('abc'), { message: quantityFormatError }));
});

describe('canonicalQuantity', () => {
  const canonical: Array<[string, string]> = [
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['100m', '100m'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e2', '1200'],
    ['0.1', '100m'],
    ['1000Ki', '1000Ki'],
    ['0', '0'],
    ['0Gi', '0'],
  ];
  for (const [input, output] of canonical) it(`${input} → ${output}`, () => assert.equal(canonicalQuantity(input), output));
});
