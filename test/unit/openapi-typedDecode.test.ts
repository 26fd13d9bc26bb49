// Decoding bodies as Kubernetes' Go types would: the first wrong type or
// out-of-range number, in encoding/json's words, and a depth limit.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonDepth, maxJsonDepth, TypedDecoder } from '../../main/apiserver/openapi/typedDecode.ts';
import { SchemaLookup } from '../../main/apiserver/openapi/schemaLookup.ts';

const decoder = new TypedDecoder(SchemaLookup.kubernetes());
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };
const pod = { group: '', version: 'v1', kind: 'Pod' };
const podWith = (container: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', ...container }] } });

describe('typed decoding', () => {
  it('accepts what Go decodes', () => {
    assert.equal(decoder.check({ metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 3, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } }, deployment), undefined);
    assert.equal(decoder.check(podWith({ resources: { limits: { cpu: '100m', memory: 1024 } }, args: ['a'], ports: [{ containerPort: 80 }] }), pod), undefined);
    assert.equal(decoder.check({ metadata: { name: 'd' }, spec: { replicas: null } }, deployment), undefined);
  });
  it('names the Go struct, the field path and the Go type of the first wrong value', () => {
    assert.equal(decoder.check({ spec: { replicas: 'three' } }, deployment), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(decoder.check(podWith({ args: [1, 2] }), pod), 'json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string');
    assert.equal(decoder.check({ metadata: { labels: 'x' } }, deployment), 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string');
    assert.equal(decoder.check({ spec: 'x' }, deployment), 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
    assert.equal(decoder.check(podWith({ args: 'a' }), pod), 'json: cannot unmarshal string into Go struct field Container.spec.containers.args of type []string');
  });
  it('refuses numbers out of range or not whole', () => {
    assert.equal(decoder.check({ spec: { replicas: 2 ** 31 } }, deployment), 'json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(decoder.check({ spec: { replicas: 1.5 } }, deployment), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(decoder.check({ spec: { template: { spec: { activeDeadlineSeconds: 2 ** 63 } } } }, deployment), 'json: cannot unmarshal number 9223372036854775808 into Go struct field PodSpec.spec.template.spec.activeDeadlineSeconds of type int64');
  });
  it('parses quantities and int-or-strings as their Go types do', () => {
    assert.match(decoder.check(podWith({ resources: { limits: { cpu: 'lots' } } }), pod) ?? '', /^quantities must match the regular expression/);
    assert.equal(decoder.check({ spec: { strategy: { rollingUpdate: { maxSurge: true } } } }, deployment), 'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type intstr.IntOrString');
  });
  it('refuses bodies nested deeper than Go decodes, without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < maxJsonDepth + 5; i++) deep = [deep];
    assert.ok(jsonDepth(deep) > maxJsonDepth);
    assert.equal(decoder.check({ metadata: { annotations: deep } }, deployment), 'json: exceeded max depth');
  });
});
