// client-go's JSONPath templates, checked against the examples of the
// Kubernetes docs ("JSONPath Support") and the quirks printer columns inherit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeJsonPath, findJsonPathResults, goFormatFloat, goJsonMarshal, JsonPathError, parseJsonPathTemplate } from '../../main/apiserver/crd/jsonPath.ts';

// The docs' input.
const input = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: { capacity: { cpu: '4' }, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] },
    },
    {
      kind: 'None',
      metadata: { name: '127.0.0.2' },
      status: {
        capacity: { cpu: '8' },
        addresses: [
          { type: 'LegacyHostIP', address: '127.0.0.2' },
          { type: 'another', address: '127.0.0.3' },
        ],
      },
    },
  ],
  users: [
    { name: 'myself', user: {} },
    { name: 'e2e', user: { username: 'admin', password: 'secret' } },
  ],
};

const run = (template: string, data: unknown = input) => executeJsonPath(parseJsonPathTemplate(template), data);
const find = (path: string, data: unknown = input) => findJsonPathResults(parseJsonPathTemplate(`{${path}}`), data, { allowMissingKeys: true })[0];

describe('JSONPath: the docs examples', () => {
  it('prints text, children, recursive descent, wildcards and subscripts', () => {
    assert.equal(run('kind is {.kind}'), 'kind is List');
    assert.equal(run("{['kind']}"), 'List');
    assert.equal(run('{..name}'), '127.0.0.1 127.0.0.2 myself e2e');
    assert.equal(run('{.items[*].metadata.name}'), '127.0.0.1 127.0.0.2');
    assert.equal(run('{.users[0].name}'), 'myself');
    assert.equal(run('{.items[-1:].metadata.name}'), '127.0.0.2');
    assert.equal(run('{.items[0:2:1].kind}'), 'None None');
  });

  it('prints maps as JSON and joins a union', () => {
    assert.equal(run("{.items[*]['metadata.name', 'status.capacity']}"), '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}');
  });

  it('filters, iterates with range and quotes text', () => {
    assert.equal(run('{.users[?(@.name=="e2e")].user.password}'), 'secret');
    assert.equal(run('{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}'), '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ');
    assert.equal(run("{range .items[*]}{.metadata.name}{'\\t'}{end}"), '127.0.0.1\t127.0.0.2\t');
    assert.equal(run('{.items[0].metadata.labels.kubernetes\\.io/hostname}'), '127.0.0.1');
  });
});

describe('JSONPath: client-go semantics', () => {
  it("reads ['a.b'] as the path .a.b, so a dotted key needs escaping", () => {
    assert.deepEqual(find(".items[0].metadata.labels['kubernetes.io/hostname']"), []);
    assert.deepEqual(find('.items[0].metadata.labels.kubernetes\\.io/hostname'), ['127.0.0.1']);
  });

  it('fails on an index out of range or a filter on a map, even when missing keys are allowed', () => {
    const template = parseJsonPathTemplate('{.users[5].name}');
    assert.throws(() => findJsonPathResults(template, input, { allowMissingKeys: true }), /array index out of bounds: index 5, length 2/);
    assert.throws(() => findJsonPathResults(parseJsonPathTemplate('{.kind[0]}'), input, { allowMissingKeys: true }), /string is not array or slice/);
    assert.throws(() => findJsonPathResults(parseJsonPathTemplate('{.items[0].status[?(@.x)]}'), input), /cannot be filtered/);
  });

  it('errs on a missing key unless told to allow it', () => {
    assert.throws(() => findJsonPathResults(parseJsonPathTemplate('{.spec}'), input), /spec is not found/);
    assert.deepEqual(find('.spec'), []);
  });

  it('compares with Go kinds: integers with integers, strings with strings', () => {
    const data = { conditions: [{ type: 'Ready', count: 4, ratio: 0.5 }, { type: 'Synced', count: 1 }] };
    assert.deepEqual(find('.conditions[?(@.count>3)].type', data), ['Ready']);
    assert.deepEqual(find('.conditions[?(@.ratio<1.0)].type', data), ['Ready']);
    assert.deepEqual(find(".conditions[?(@.type!='Ready')].type", data), ['Synced']);
    assert.deepEqual(find('.conditions[?(@.ratio)].type', data), ['Ready']);
    assert.throws(() => find('.conditions[?(@.count=="4")].type', data), /incompatible types for comparison/);
    assert.throws(() => find('.conditions[?(@.count==4.0)].type', data), /incompatible types for comparison/);
  });

  it('finds a key whose value is null', () => {
    assert.deepEqual(find('.spec.x', { spec: { x: null } }), [null]);
    assert.equal(run('{.spec.x}', { spec: { x: null } }), 'null');
  });

  it('refuses templates it cannot parse, in client-go words', () => {
    assert.throws(() => parseJsonPathTemplate('{.spec'), (e: unknown) => e instanceof JsonPathError && e.message === 'unclosed action');
    assert.throws(() => parseJsonPathTemplate('{.items[0}'), /unterminated array|invalid array index/);
    assert.throws(() => parseJsonPathTemplate('{.items[a]}'), /invalid array index a/);
    assert.throws(() => parseJsonPathTemplate('{.a....b}'), /invalid multiple recursive descent/);
    assert.throws(() => parseJsonPathTemplate('{.a[?(@.x=="y"}'), /unterminated filter/);
    assert.throws(() => parseJsonPathTemplate('{#}'), /unrecognized character in action: U\+0023 '#'/);
  });
});

describe('Go printing', () => {
  it('prints floats as fmt %v does and maps as encoding/json does', () => {
    assert.deepEqual([0.5, 1234567.5, 100000.5, 0.00001, 1e21, -0].map(goFormatFloat), ['0.5', '1.2345675e+06', '100000.5', '1e-05', '1e+21', '-0']);
    assert.equal(goJsonMarshal({ b: 1, a: '<x&y>' }), '{"a":"\\u003cx\\u0026y\\u003e","b":1}');
  });
});
