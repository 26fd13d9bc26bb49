// Typed decoding: a body must decode into the kind's Go types, and fails as
// kube-apiserver's decoders fail (wrong types, ranges, quantities, times,
// base64, nesting depth), checked on the built-in definitions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';
import { bodyDecodeError, goSprint, jsonDecodeError, nestingDepthError, summarizeBody, unstructuredDecodeError } from '../../main/apiserver/openapi/typedDecode.ts';
import { base64Error } from '../../main/apiserver/openapi/goBase64.ts';
import { goTimeParseError, rfc3339, rfc3339Micro } from '../../main/apiserver/openapi/goTime.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const lookup = SchemaLookup.kubernetes();
const deploymentGVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
const podGVK = { group: '', version: 'v1', kind: 'Pod' };
const deployment = (spec: object) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
const pod = (spec: object, metadata: object = { name: 'p' }) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const cannotHandle = (kind: string, message: string) => `${kind} in version "v1" cannot be handled as a ${kind}: ${message}`;

test('a body that decodes gives no error; nulls decode into anything', () => {
  const good = deployment({
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'web' }, creationTimestamp: null }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '500m', memory: 1e9 } }, ports: [{ containerPort: 80 }] }] } },
  });
  assert.equal(bodyDecodeError(good, deploymentGVK, lookup), undefined);
  assert.equal(bodyDecodeError(deployment({ replicas: null, paused: null, selector: null }), deploymentGVK, lookup), undefined);
  assert.equal(bodyDecodeError({ apiVersion: 'v1', kind: 'Secret', data: { a: 'aGVsbG8=' }, stringData: { b: 'x' } }, { group: '', version: 'v1', kind: 'Secret' }, lookup), undefined);
  assert.equal(bodyDecodeError({ kind: 'Widget', spec: { size: 'x' } }, { group: 'example.com', version: 'v1', kind: 'Widget' }, lookup), undefined, 'a kind without a definition is not checked');
});

test('wrong JSON types name the Go struct, the dotted JSON path from the root and the Go type', () => {
  const cases: [object, string][] = [
    [{ replicas: 'three' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [{ paused: 'yes' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    [{ selector: 'app=web' }, 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector'],
    [{ selector: { matchLabels: ['a'] } }, 'json: cannot unmarshal array into Go struct field LabelSelector.spec.selector.matchLabels of type map[string]string'],
    [{ template: { spec: { containers: { name: 'c' } } } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [{ template: { spec: { containers: [{ name: 'c', image: { repo: 'x' } }] } } }, 'json: cannot unmarshal object into Go struct field Container.spec.template.spec.containers.image of type string'],
    [{ template: { spec: { containers: [{ name: 'c', resources: { limits: 'big' } }] } } }, 'json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList'],
  ];
  for (const [spec, message] of cases) assert.equal(bodyDecodeError(deployment(spec), deploymentGVK, lookup), cannotHandle('Deployment', message), JSON.stringify(spec));
  assert.equal(
    bodyDecodeError(pod({ containers: [{ name: 'c', image: 'i', args: [1, 2] }] }), podGVK, lookup),
    cannotHandle('Pod', 'json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string'),
  );
  assert.equal(
    bodyDecodeError(pod({ containers: [] }, { name: 'p', labels: { app: true } }), podGVK, lookup),
    cannotHandle('Pod', 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string'),
    'map keys are not part of the path',
  );
  assert.equal(jsonDecodeError({ metadata: { labels: 'x' } }, deploymentGVK, lookup), 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string');
  assert.equal(jsonDecodeError({ spec: 'x' }, deploymentGVK, lookup), 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
  assert.equal(jsonDecodeError({ metadata: true }, deploymentGVK, lookup), 'json: cannot unmarshal bool into Go struct field Deployment.metadata of type v1.ObjectMeta');
  assert.equal(jsonDecodeError({ spec: { containers: [{ name: 'c', args: 'a' }] } }, podGVK, lookup), 'json: cannot unmarshal string into Go struct field Container.spec.containers.args of type []string');
});

test('integers: floats and out-of-range numbers fail with the number', () => {
  const replicas = (n: number) => bodyDecodeError(deployment({ replicas: n }), deploymentGVK, lookup);
  assert.equal(replicas(1.5), cannotHandle('Deployment', 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'));
  assert.equal(replicas(3000000000), cannotHandle('Deployment', 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'));
  assert.equal(replicas(9223372036854775808), cannotHandle('Deployment', 'json: cannot unmarshal number 9223372036854776000 into Go struct field DeploymentSpec.spec.replicas of type int32'));
  assert.equal(replicas(2147483647), undefined);
  assert.equal(replicas(-2147483648), undefined);
  const grace = (n: number) => bodyDecodeError(pod({ containers: [], terminationGracePeriodSeconds: n }), podGVK, lookup);
  assert.equal(grace(3000000000), undefined, 'int64 takes it');
  assert.equal(grace(2 ** 63), cannotHandle('Pod', 'json: cannot unmarshal number 9223372036854776000 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'));
  assert.equal(grace(-(2 ** 63)), undefined);
});

test('several wrong fields: the first in the document is reported, unless a self-decoding type fails later', () => {
  assert.equal(
    bodyDecodeError(deployment({ paused: 1, replicas: 'x' }), deploymentGVK, lookup),
    cannotHandle('Deployment', 'json: cannot unmarshal number into Go struct field DeploymentSpec.spec.paused of type bool'),
  );
  assert.equal(
    bodyDecodeError(deployment({ replicas: 'x', template: { spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] } } }), deploymentGVK, lookup),
    cannotHandle('Deployment', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    "a Quantity's own error ends decoding and wins",
  );
});

test('int-or-string takes both; quantities, times and bytes fail in their own words', () => {
  const surge = (v: unknown) => bodyDecodeError(deployment({ strategy: { rollingUpdate: { maxSurge: v } } }), deploymentGVK, lookup);
  assert.equal(surge('25%'), undefined);
  assert.equal(surge(2), undefined);
  assert.equal(surge(1.5), cannotHandle('Deployment', 'json: cannot unmarshal number 1.5 into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32'));
  assert.equal(surge(true), cannotHandle('Deployment', 'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32'));

  const cpu = (v: unknown) => bodyDecodeError(pod({ containers: [{ name: 'c', resources: { limits: { cpu: v } } }] }), podGVK, lookup);
  assert.equal(cpu(' 100m '), undefined);
  assert.equal(cpu(2), undefined);
  assert.equal(cpu('1Mi1'), cannotHandle('Pod', "unable to parse quantity's suffix"));
  assert.equal(cpu('lots'), cannotHandle('Pod', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  assert.equal(cpu({}), cannotHandle('Pod', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));

  const created = (v: unknown) => bodyDecodeError(pod({ containers: [] }, { name: 'p', creationTimestamp: v }), podGVK, lookup);
  assert.equal(created('2024-05-01T10:00:00Z'), undefined);
  assert.equal(created('2024-05-01T10:00:00.5+02:00'), undefined);
  assert.equal(created('yesterday'), cannotHandle('Pod', 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'));
  assert.equal(created(5), cannotHandle('Pod', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'));

  const lease = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' };
  const renew = (v: string) => bodyDecodeError({ spec: { renewTime: v } }, lease, lookup);
  assert.equal(renew('2024-05-01T10:00:00.123456Z'), undefined);
  assert.equal(renew('2024-05-01T10:00:00Z'), cannotHandle('Lease', 'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"'));

  const secret = { group: '', version: 'v1', kind: 'Secret' };
  assert.equal(bodyDecodeError({ data: { a: 'hello!' } }, secret, lookup), cannotHandle('Secret', 'illegal base64 data at input byte 5'));
  assert.equal(bodyDecodeError({ data: { a: 5 } }, secret, lookup), cannotHandle('Secret', 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8'));
});

test('Go time.Parse errors for the RFC3339 layouts', () => {
  assert.equal(goTimeParseError(rfc3339, '2024-05-01T10:00:00Z'), undefined);
  assert.equal(goTimeParseError(rfc3339, '2024-05-01T1:00:00-07:00'), undefined, 'the hour may have one digit');
  assert.equal(goTimeParseError(rfc3339, '2024-13-01T10:00:00Z'), 'parsing time "2024-13-01T10:00:00Z": month out of range');
  assert.equal(goTimeParseError(rfc3339, '2023-02-29T10:00:00Z'), 'parsing time "2023-02-29T10:00:00Z": day out of range');
  assert.equal(goTimeParseError(rfc3339, '2024-02-29T24:00:00Z'), 'parsing time "2024-02-29T24:00:00Z": hour out of range');
  assert.equal(goTimeParseError(rfc3339, '2024-05-01 10:00:00Z'), 'parsing time "2024-05-01 10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00Z" as "T"');
  assert.equal(goTimeParseError(rfc3339, '2024-05-01T10:00:00'), 'parsing time "2024-05-01T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
  assert.equal(goTimeParseError(rfc3339, '2024-05-01T10:00:00Zoo'), 'parsing time "2024-05-01T10:00:00Zoo": extra text: "oo"');
  assert.equal(goTimeParseError(rfc3339Micro, '2024-05-01T10:00:00.123Z'), 'parsing time "2024-05-01T10:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"');
});

test('Go base64 errors point at the byte where decoding stopped', () => {
  assert.equal(base64Error('aGVsbG8='), undefined);
  assert.equal(base64Error('aGVs\nbG8='), undefined, 'newlines are skipped');
  assert.equal(base64Error(''), undefined);
  assert.equal(base64Error('aGVsbG8'), 'illegal base64 data at input byte 4', 'missing padding');
  assert.equal(base64Error('a'), 'illegal base64 data at input byte 0');
  assert.equal(base64Error('aGVs*G8='), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('aGVsbG8=aGVs'), 'illegal base64 data at input byte 8', 'data after the padding');
  assert.equal(base64Error('aG=='), undefined);
  assert.equal(base64Error('aG='), 'illegal base64 data at input byte 3');
});

test('apiVersion and kind that are not strings, and bodies nested too deep, are refused before the kind is known', () => {
  assert.equal(
    bodyDecodeError({ apiVersion: 'v1', kind: 5 }, podGVK, lookup),
    'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"apiVersion":"v1","kind":5})',
  );
  const nest = (depth: number, open: 'object' | 'array') => {
    let v: unknown = 'x';
    for (let i = 0; i < depth; i++) v = open === 'object' ? { a: v } : [v];
    return v;
  };
  // The body is one level; data another: 9,998 more levels inside still decode.
  assert.equal(nestingDepthError({ data: nest(9999, 'object') }), undefined);
  assert.equal(nestingDepthError({ data: nest(10000, 'object') }), "invalid character '{' exceeded max depth");
  assert.equal(nestingDepthError([nest(10000, 'array')]), "invalid character '[' exceeded max depth");
  assert.equal(nestingDepthError({ data: nest(200000, 'object') }), "invalid character '{' exceeded max depth", 'far deeper still answers');
  assert.equal(
    bodyDecodeError({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: nest(20000, 'object') }, { group: '', version: 'v1', kind: 'ConfigMap' }, lookup),
    'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: invalid character \'{\' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)',
  );
  assert.equal(summarizeBody({ a: 1 }), '{"a":1}');
});

test('a strategic-merge-patched object fails as the unstructured converter fails', () => {
  assert.equal(unstructuredDecodeError(deployment({ replicas: 'three' }), deploymentGVK, lookup), 'unrecognized type: int32');
  assert.equal(unstructuredDecodeError(deployment({ replicas: 1.5 }), deploymentGVK, lookup), 'cannot convert float64 to int32');
  assert.equal(unstructuredDecodeError(deployment({ replicas: 3000000000 }), deploymentGVK, lookup), undefined, 'the converter does not check ranges');
  assert.equal(unstructuredDecodeError(deployment({ selector: 'x' }), deploymentGVK, lookup), 'cannot restore struct from: string');
  assert.equal(unstructuredDecodeError(pod({ containers: 'x' }), podGVK, lookup), 'cannot restore slice from string');
  assert.equal(unstructuredDecodeError(pod({ containers: [{ name: 5 }] }), podGVK, lookup), 'cannot convert int64 to string');
  assert.equal(goSprint({ spec: { replicas: 'three', b: [1, null, true] } }), 'map[spec:map[b:[1 <nil> true] replicas:three]]');
});

test('schema services: patched objects are decoded too, and answer 422 on the field "patch"', () => {
  const services = createSchemaServices(lookup);
  const current = deployment({ replicas: 1, selector: { matchLabels: { app: 'web' } } }) as unknown as KubeObject;
  const thrown = (type: string, patch: unknown) => {
    try {
      services.applyPatch(type, current, patch, deploymentGVK);
    } catch (err) {
      return (err as { status: { code: number; reason: string; message: string; details?: { causes?: { field?: string }[]; kind?: string } } }).status;
    }
    assert.fail('the patch applied');
  };
  const smp = thrown('application/strategic-merge-patch+json', { spec: { replicas: 'three' } });
  assert.equal(smp.code, 422);
  assert.equal(smp.reason, 'Invalid');
  assert.equal(smp.message, ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:three]]": unrecognized type: int32');
  assert.deepEqual(smp.details?.causes?.map((c) => c.field), ['patch']);
  assert.equal(smp.details?.kind, undefined);
  const merge = thrown('application/merge-patch+json', { spec: { replicas: 'three' } });
  assert.equal(merge.code, 422);
  assert.match(merge.message, /^ "" is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/);
  const jsonPatch = thrown('application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 1.5 }]);
  assert.match(jsonPatch.message, /json: cannot unmarshal number 1\.5 into Go struct field DeploymentSpec\.spec\.replicas of type int32$/);
  let deep: unknown = 1;
  for (let i = 0; i < 20000; i++) deep = { a: deep };
  const tooDeep = thrown('application/merge-patch+json', { metadata: { annotations: deep } });
  assert.deepEqual([tooDeep.code, tooDeep.message], [400, "invalid character '{' exceeded max depth"]);
  const patched = services.applyPatch('application/strategic-merge-patch+json', current, { spec: { replicas: 4 } }, deploymentGVK);
  assert.equal((patched.spec as { replicas: number }).replicas, 4);
  assert.equal(jsonDecodeError(patched, deploymentGVK, lookup), undefined);
});

test('long number literals of a request body are quoted as written', async () => {
  const { decodeBody } = await import('../../main/apiserver/http/body.ts');
  const raw = (replicas: string, deadline = '1') => decodeBody(Buffer.from(`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":${replicas},"template":{"spec":{"activeDeadlineSeconds":${deadline}}}}}`), 'application/json');
  assert.equal(bodyDecodeError(raw('9223372036854775808'), deploymentGVK, lookup), cannotHandle('Deployment', 'json: cannot unmarshal number 9223372036854775808 into Go struct field DeploymentSpec.spec.replicas of type int32'));
  assert.equal(bodyDecodeError(raw('9223372036854776000'), deploymentGVK, lookup), cannotHandle('Deployment', 'json: cannot unmarshal number 9223372036854776000 into Go struct field DeploymentSpec.spec.replicas of type int32'), 'as kubectl writes 2^63');
  assert.equal(bodyDecodeError(raw('1', '9223372036854775807'), deploymentGVK, lookup), undefined, 'int64 takes 2^63-1 when it was written so');
  assert.equal(bodyDecodeError(raw('"x"', '9223372036854775807'), deploymentGVK, lookup), cannotHandle('Deployment', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'));
  const over = decodeBody(Buffer.from('{"spec":{"template":{"spec":{"activeDeadlineSeconds":9223372036854775808}}}}'), 'application/json');
  assert.match(bodyDecodeError(over, deploymentGVK, lookup)!, /cannot unmarshal number 9223372036854775808 into Go struct field PodSpec\.spec\.template\.spec\.activeDeadlineSeconds of type int64$/);
});
