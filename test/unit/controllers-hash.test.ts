// The pod-template-hash: Kubernetes' FNV-1a and SafeEncodeString, over a
// canonical JSON form of the template (see main/controllers/shared/hash.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from '../../main/controllers/shared/hash.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

const template = {
  metadata: { labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }], restartPolicy: 'Always' },
};

describe('template hash', () => {
  it('FNV-1a 32 gives the published test vectors', () => {
    assert.equal(fnv32a(bytes('')), 0x811c9dc5);
    assert.equal(fnv32a(bytes('a')), 0xe40c292c);
    assert.equal(fnv32a(bytes('foobar')), 0xbf9cf968);
  });

  it('SafeEncodeString maps digits as Kubernetes does', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  it('the same template gives the same hash, whatever its key order', () => {
    const reordered = {
      spec: { restartPolicy: 'Always', containers: [{ ports: [{ containerPort: 80 }], image: 'nginx:1.27', name: 'nginx' }] },
      metadata: { labels: { tier: 'front', app: 'web' } },
    };
    assert.equal(computeHash(template), computeHash(reordered));
    assert.equal(computeHash(template), computeHash(structuredClone(template)));
  });

  it('empty values do not change it; real changes do', () => {
    const withEmpties = { ...template, metadata: { ...template.metadata, annotations: {} }, extra: null };
    assert.equal(computeHash(withEmpties), computeHash(template));
    const newImage = structuredClone(template);
    newImage.spec.containers[0].image = 'nginx:1.28';
    assert.notEqual(computeHash(newImage), computeHash(template));
  });

  it('a collision count gives another hash, each count its own', () => {
    const hashes = new Set([computeHash(template), computeHash(template, 0), computeHash(template, 1), computeHash(template, 2)]);
    assert.equal(hashes.size, 4);
  });

  it('looks like a Kubernetes hash: at most 10 characters of the safe alphabet', () => {
    assert.match(computeHash(template), /^[bcdf4-9]{1,10}$/);
  });

  it('canonical JSON sorts keys and keeps array order', () => {
    assert.equal(canonicalJson({ b: [2, 1], a: { d: 1, c: '' } }), '{"a":{"c":"","d":1},"b":[2,1]}');
  });
});
