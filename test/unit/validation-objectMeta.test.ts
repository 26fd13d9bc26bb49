// ValidateObjectMeta and the 422 message kubectl prints.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldErrors, qualifiedKind } from '../../main/apiserver/validation/formatFieldErrors.ts';
import { invalid, notSupported, required, tooLong } from '../../main/apiserver/validation/fieldErrors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../main/apiserver/validation/objectMeta.ts';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../main/apiserver/validation/nameValidators.ts';

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateObjectMeta', () => {
  it('accepts a plain namespaced object', () => assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default' }, true, nameIsDNSSubdomain), []));
  it('requires a name unless generateName is set', () => {
    assert.deepEqual(validateObjectMeta({ namespace: 'default' }, true, nameIsDNSSubdomain), [required('metadata.name', 'name or generateName is required')]);
    // The registry fills the name from generateName before validating; the prefix itself may end in a dash.
    assert.deepEqual(validateObjectMeta({ generateName: 'web-', name: 'web-x2b4z', namespace: 'default' }, true, nameIsDNSSubdomain), []);
  });
  it('rejects an invalid name with the exact message', () =>
    assert.deepEqual(validateObjectMeta({ name: 'A', namespace: 'default' }, true, nameIsDNSSubdomain), [invalid('metadata.name', 'A', subdomainMessage)]));
  it('requires a namespace for namespaced kinds and forbids it otherwise', () => {
    assert.deepEqual(validateObjectMeta({ name: 'web' }, true, nameIsDNSSubdomain), [required('metadata.namespace')]);
    assert.deepEqual(validateObjectMeta({ name: 'n1', namespace: 'default' }, false, nameIsDNSSubdomain), [
      { type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' },
    ]);
  });
  it('checks namespace names as DNS labels', () =>
    assert.equal(validateObjectMeta({ name: 'web', namespace: 'a.b' }, true, nameIsDNSSubdomain)[0].detail, 'must not contain dots'));
  it('checks label keys and values', () => {
    const errs = validateObjectMeta({ name: 'web', namespace: 'default', labels: { 'bad key': 'ok', good: '-bad' } }, true, nameIsDNSSubdomain);
    assert.deepEqual(
      errs.map((e) => [e.field, e.value]),
      [
        ['metadata.labels', 'bad key'],
        ['metadata.labels', '-bad'],
      ],
    );
  });
  it('limits annotations to 256 KiB in total', () => {
    const errs = validateObjectMeta({ name: 'web', namespace: 'default', annotations: { big: 'x'.repeat(256 * 1024) } }, true, nameIsDNSSubdomain);
    assert.deepEqual(errs, [tooLong('metadata.annotations', 262144)]);
  });
  it('uses the kind rule for names', () => assert.equal(validateObjectMeta({ name: 'a.b' }, false, nameIsDNSLabel).length, 1));
});

describe('validateObjectMetaUpdate', () => {
  it('keeps the name and uid immutable', () => {
    const errs = validateObjectMetaUpdate({ name: 'b', uid: '2', resourceVersion: '5' }, { name: 'a', uid: '1' });
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      ['metadata.name: field is immutable', 'metadata.uid: field is immutable'],
    );
  });
  it('requires a resourceVersion', () =>
    assert.deepEqual(validateObjectMetaUpdate({ name: 'a' }, { name: 'a' }), [invalid('metadata.resourceVersion', '', 'must be specified for an update')]));
});

describe('formatFieldErrors', () => {
  it('prints one error without brackets', () => {
    const { message, causes } = formatFieldErrors('Pod', 'x', [required('spec.containers[0].image')]);
    assert.equal(message, 'Pod "x" is invalid: spec.containers[0].image: Required value');
    assert.deepEqual(causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
  });
  it('prints several errors in brackets', () => {
    const { message } = formatFieldErrors('Pod', 'A', [required('spec.containers[0].image'), invalid('metadata.name', 'A', subdomainMessage)]);
    assert.equal(message, `Pod "A" is invalid: [spec.containers[0].image: Required value, metadata.name: Invalid value: "A": ${subdomainMessage}]`);
  });
  it('prints values as Kubernetes does', () => {
    const { causes } = formatFieldErrors('Service', 's', [invalid('spec.ports[0].port', 70000, 'must be between 1 and 65535, inclusive'), notSupported('spec.type', 'Foo', ['ClusterIP', 'NodePort'])]);
    assert.deepEqual(
      causes.map((c) => c.message),
      ['Invalid value: 70000: must be between 1 and 65535, inclusive', 'Unsupported value: "Foo": supported values: "ClusterIP", "NodePort"'],
    );
  });
  it('drops repeated messages, as an aggregate does', () =>
    assert.equal(formatFieldErrors('Pod', 'x', [required('a'), required('a')]).message, 'Pod "x" is invalid: a: Required value'));
  it('qualifies kinds of named groups', () => assert.equal(qualifiedKind('Deployment', 'apps'), 'Deployment.apps'));
});
