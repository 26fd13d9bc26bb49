// Name and label formats, with the cases from apimachinery's validation_test.go.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from '../../main/apiserver/validation/names.ts';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment } from '../../main/apiserver/validation/nameValidators.ts';

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function table(check: (v: string) => string[], good: string[], bad: string[]) {
  for (const value of good) it(`accepts ${JSON.stringify(value)}`, () => assert.deepEqual(check(value), []));
  for (const value of bad) it(`rejects ${JSON.stringify(value)}`, () => assert.notDeepEqual(check(value), []));
}

describe('isDNS1123Label', () => {
  table(
    isDNS1123Label,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)],
    ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a.b', 'a'.repeat(64)],
  );
  it('says "must not contain dots" for a subdomain', () => assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']));
});

describe('isDNS1123Subdomain', () => {
  table(
    isDNS1123Subdomain,
    ['a', 'ab', 'a1', 'a-1', '0', '1a', 'a.a', 'ab.a', 'a1.a', '0.a', 'a.01', '01.a.012', 'a--1--2--b.0--a', 'a'.repeat(253)],
    ['', 'A', 'aBc', 'A-1', '-', 'a-', '-a', '_', 'a_b', '.', 'a.', '.a', 'a..b', 'a.-b', 'a-.b', 'a'.repeat(254)],
  );
  it("uses Kubernetes' message", () => assert.deepEqual(isDNS1123Subdomain('A'), [subdomainMessage]));
  it('reports the length', () => assert.equal(isDNS1123Subdomain('a'.repeat(254))[0], 'must be no more than 253 characters'));
});

describe('isDNS1035Label', () => {
  table(isDNS1035Label, ['a', 'ab', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)], ['0', '01', '1a', '1-a', '', 'A', 'a-', '-a', 'a_b', 'a.b', 'a'.repeat(64)]);
  // Go's RegexError really does put two spaces before "or".
  it("uses Kubernetes' message", () =>
    assert.deepEqual(isDNS1035Label('1a'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]));
});

describe('isQualifiedName', () => {
  table(
    isQualifiedName,
    ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), 'a'.repeat(253) + '/' + 'b'.repeat(63)],
    ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), 'a'.repeat(254) + '/abc'],
  );
  it('names the part that is wrong', () => assert.deepEqual(isQualifiedName('/simple'), ['prefix part must be non-empty']));
});

describe('isValidLabelValue', () => {
  table(isValidLabelValue, ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''], ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64)]);
});

describe('ports, keys and IPs', () => {
  table(isConfigMapKey, ['a', 'ab', 'abc', 'a1', '_', 'a_', 'a_b', 'a.b', '.a', 'a..b', 'A', 'AB'], ['', '.', '..', '..a', 'a/b', 'a b', 'a%b']);
  table(isValidPortName, ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c'], ['', 'longerthan15characters', 'do-not-end-with-hyphen-', '-do-not-start-with-hyphen', 'no--double', '1234', 'UPPERCASE']);
  table((v) => isValidPortNum(Number(v)), ['1', '80', '65535'], ['0', '-1', '65536']);
  table(isValidIP, ['1.2.3.4', '10.0.0.1', '::1', '2001:db8::ffff'], ['', '1.2.3', '256.1.1.1', 'a.b.c.d', '1.2.3.4/24']);
});

describe('name validators', () => {
  it('allow a trailing dash in generateName', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSLabel('web-', true), []);
    assert.deepEqual(nameIsDNS1035Label('web-', true), []);
    assert.notDeepEqual(nameIsDNSSubdomain('web-', false), []);
  });
  it('service names start with a letter', () => assert.notDeepEqual(nameIsDNS1035Label('1web', false), []));
  it('RBAC names are path segments', () => {
    assert.deepEqual(nameIsPathSegment('system:controller:foo', false), []);
    assert.deepEqual(nameIsPathSegment('..', false), ["may not be '..'"]);
    assert.deepEqual(nameIsPathSegment('a/b%c', false), ["may not contain '/'", "may not contain '%'"]);
  });
});
