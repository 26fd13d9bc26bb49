// Label and field selectors, with cases from apimachinery's labels and fields tests.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabels, labelSelectorToString, labelsMatch, parseLabelSelector } from '../../main/kube/labels/labelSelector.ts';
import { formatLabelSelectorObject, labelSelectorObjectToRequirements } from '../../main/apiserver/validation/labelSelectorObject.ts';
import { fieldsMatch, parseFieldSelector, unsupportedFieldLabel } from '../../main/apiserver/validation/fieldSelector.ts';

describe('parseLabelSelector', () => {
  const roundTrips: Array<[string, string]> = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    [' x = a , y = b ', 'x=a,y=b'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x in (a,b)', 'x in (a,b)'],
    ['x in (b,a,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['!x', '!x'],
    ['x', 'x'],
    ['x>1', 'x>1'],
    ['x<1', 'x<1'],
    ['z=c,y=b,x=a', 'x=a,y=b,z=c'],
    ['x=', 'x='],
    ['x=,z= ', 'x=,z='],
    ['app=web,tier!=db,env in (a,b),!canary,has', 'app=web,!canary,env in (a,b),has,tier!=db'],
  ];
  for (const [input, printed] of roundTrips) {
    it(`parses ${JSON.stringify(input)}`, () => assert.equal(labelSelectorToString(parseLabelSelector(input)), printed));
  }

  const errors: Array<[string, string]> = [
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x>a', "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => assert.throws(() => parseLabelSelector(input), { message }));
  }
  it('rejects an invalid key with the path Kubernetes prints', () =>
    assert.throws(() => parseLabelSelector('-x=a'), /unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of/));
  it('rejects an invalid value', () =>
    assert.throws(() => parseLabelSelector('x=-a'), /unable to parse requirement: values\[0\]\[x\]: Invalid value: "-a": a valid label must be/));
});

describe('label matching', () => {
  const labels = { app: 'web', env: 'prod', replicas: '3' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['env in (prod,dev)', true],
    ['env notin (prod)', false],
    ['missing notin (prod)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['replicas>2', true],
    ['replicas<3', false],
    ['app=web,env=dev', false],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} ${expected ? 'matches' : 'does not match'}`, () => assert.equal(labelsMatch(parseLabelSelector(selector), labels), expected));
  }
});

describe('metav1.LabelSelector', () => {
  it('prints as FormatLabelSelector does', () => {
    assert.equal(formatLabelSelectorObject({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['y', 'x'] }] }), 'a=1,b=2,c notin (x,y)');
    assert.equal(formatLabelSelectorObject({}), '<none>');
    assert.equal(formatLabelSelectorObject({ matchExpressions: [{ key: 'c', operator: 'Bogus' }] }), '<error>');
  });
  it('selects nothing when absent and everything when empty', () => {
    assert.equal(labelSelectorObjectToRequirements(undefined), undefined);
    assert.deepEqual(labelSelectorObjectToRequirements({}), []);
  });
  it('formats label maps', () => {
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
  });
});

describe('parseFieldSelector', () => {
  it('parses =, == and != terms', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=n1,status.phase!=Running,metadata.name==x'), [
      { field: 'metadata.name', operator: '=', value: 'x' },
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
  });
  it('accepts an empty value', () => assert.deepEqual(parseFieldSelector('spec.nodeName='), [{ field: 'spec.nodeName', operator: '=', value: '' }]));
  it('unescapes values', () => assert.deepEqual(parseFieldSelector('a=x\\,y\\=z'), [{ field: 'a', operator: '=', value: 'x,y=z' }]));
  it('rejects a term without an operator', () =>
    assert.throws(() => parseFieldSelector('spec.nodeName'), { message: "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'" }));
  it('rejects a bad escape', () => assert.throws(() => parseFieldSelector('a=\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' }));
  it('matches absent fields as empty', () => {
    assert.equal(fieldsMatch(parseFieldSelector('spec.nodeName='), {}), true);
    assert.equal(fieldsMatch(parseFieldSelector('status.phase!=Running'), { 'status.phase': 'Pending' }), true);
    assert.equal(fieldsMatch(parseFieldSelector('status.phase=Running'), { 'status.phase': 'Pending' }), false);
  });
  it('names an unsupported field label', () =>
    assert.equal(unsupportedFieldLabel(parseFieldSelector('spec.foo=1'), ['metadata.name']), 'field label not supported: spec.foo'));
});
