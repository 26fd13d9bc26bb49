// ValidatingAdmissionPolicy in one process: policies and bindings validated
// and defaulted as Kubernetes does, then evaluated for matching requests with
// object, oldObject, params, namespaceObject, request and variables, and their
// failures denied, warned or ignored as the binding and failurePolicy say.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../main/apiserver/errors.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import type { Verb } from '../../main/apiserver/requestInfo.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const group = 'admissionregistration.k8s.io';

interface Call {
  verb: Verb;
  group?: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  body?: unknown;
  contentType?: string;
}

describe('ValidatingAdmissionPolicy', () => {
  let env: InProcessApi;
  let n = 0;
  let ns: string;

  async function call(c: Call) {
    const info = { isResourceRequest: true as const, path: '', group: c.group ?? '', version: 'v1', namespace: c.namespace ?? '', resource: c.resource, name: c.name ?? '', subresource: c.subresource ?? '', verb: c.verb };
    const result = await env.api.dispatcher.handle({ user: adminUser, info, query: new URLSearchParams(), body: c.body, contentType: c.contentType });
    assert.equal(result.type, 'object');
    return result as { type: 'object'; object: any; warnings: string[] };
  }

  async function refusal(promise: Promise<unknown>): Promise<StatusError> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof StatusError) return err;
      throw err;
    }
    assert.fail('expected a refusal');
  }

  const deploymentRules = [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'deployments/scale'] }];

  function policy(name: string, spec: Record<string, unknown>) {
    return call({ verb: 'create', group, resource: 'validatingadmissionpolicies', body: { metadata: { name }, spec: { matchConstraints: { resourceRules: deploymentRules }, ...spec } } });
  }

  function binding(name: string, spec: Record<string, unknown>) {
    return call({ verb: 'create', group, resource: 'validatingadmissionpolicybindings', body: { metadata: { name }, spec } });
  }

  function deployment(name: string, replicas: number, labels: Record<string, string> = {}) {
    return call({
      verb: 'create',
      group: 'apps',
      resource: 'deployments',
      namespace: ns,
      body: { metadata: { name, labels }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } },
    });
  }

  before(async () => (env = await startInProcessApi()));
  after(async () => env.close());
  beforeEach(async () => {
    await call({ verb: 'deletecollection', group, resource: 'validatingadmissionpolicybindings' });
    await call({ verb: 'deletecollection', group, resource: 'validatingadmissionpolicies' });
    ns = `vap${++n}`;
    await call({ verb: 'create', resource: 'namespaces', body: { metadata: { name: ns, labels: { env: 'test' } } } });
  });

  it('defaults and validates as admissionregistration/v1', async () => {
    const created = await policy('defaults', { validations: [{ expression: 'true' }] });
    assert.equal(created.object.spec.failurePolicy, 'Fail');
    assert.equal(created.object.spec.matchConstraints.matchPolicy, 'Equivalent');
    assert.deepEqual(created.object.spec.matchConstraints.namespaceSelector, {});
    assert.equal(created.object.spec.matchConstraints.resourceRules[0].scope, '*');
    const bad = await refusal(call({ verb: 'create', group, resource: 'validatingadmissionpolicies', body: { metadata: { name: 'bad' }, spec: { failurePolicy: 'Sometimes', validations: [{ expression: 'object.spec.replicas <', reason: 'Teapot', message: 'two\nlines' }] } } }));
    assert.equal(bad.code, 422);
    for (const expected of [
      'spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"',
      'spec.matchConstraints: Required value',
      'spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: ',
      'spec.validations[0].message: Invalid value: "two\\nlines": message must not contain line breaks',
      'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"',
    ]) {
      assert.ok(bad.message.includes(expected), `missing ${expected} in ${bad.message}`);
    }
    const badBinding = await refusal(binding('bad', { validationActions: ['Deny', 'Warn'], paramRef: { parameterNotFoundAction: 'Deny' } }));
    for (const expected of [
      'spec.policyName: Required value',
      'spec.paramRef: Required value: one of name or selector must be specified',
      'spec.validationActions: Invalid value: []string{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    ]) {
      assert.ok(badBinding.message.includes(expected), `missing ${expected} in ${badBinding.message}`);
    }
  });

  it('denies with the policy, binding and message, including a scale to too many replicas', async () => {
    await policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });
    await binding('max-replicas-binding', { policyName: 'max-replicas', validationActions: ['Deny'] });
    const err = await refusal(deployment('big', 6));
    assert.equal(err.code, 422);
    assert.equal(err.status.reason, 'Invalid');
    assert.equal(err.message, `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`);
    await deployment('web', 2);
    const scale = await refusal(call({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns, name: 'web', subresource: 'scale', body: { spec: { replicas: 6 } }, contentType: 'application/merge-patch+json' }));
    assert.equal(scale.message, `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`);
  });

  it('message, messageExpression and reason decide what the refusal says', async () => {
    await policy('worded', {
      validations: [
        { expression: 'object.spec.replicas <= 5', messageExpression: "'replicas ' + string(object.spec.replicas) + ' is more than 5'", reason: 'Forbidden' },
        { expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'a team label is required' },
      ],
    });
    await binding('worded', { policyName: 'worded', validationActions: ['Deny'] });
    const err = await refusal(deployment('big', 7, { team: 'a' }));
    assert.equal(err.code, 403);
    assert.equal(err.message, `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'worded' with binding 'worded' denied request: replicas 7 is more than 5`);
    const unlabelled = await refusal(deployment('small', 1));
    assert.equal(unlabelled.message, `deployments.apps "small" is forbidden: ValidatingAdmissionPolicy 'worded' with binding 'worded' denied request: a team label is required`);
  });

  it('Warn sends warnings and admits; Audit alone admits silently', async () => {
    await policy('warned', { validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many' }] });
    await binding('warned', { policyName: 'warned', validationActions: ['Warn', 'Audit'] });
    const created = await deployment('big', 6);
    assert.deepEqual(created.warnings, [`Validation failed for ValidatingAdmissionPolicy 'warned' with binding 'warned': too many`]);
  });

  it('params by name and by selector, with parameterNotFoundAction', async () => {
    await policy('limit', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'at most ' + params.data.max + ' replicas'" }],
    });
    await call({ verb: 'create', resource: 'configmaps', namespace: ns, body: { metadata: { name: 'limits', labels: { kind: 'limit' } }, data: { max: '3' } } });
    await binding('by-name', { policyName: 'limit', validationActions: ['Deny'], paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
    assert.match((await refusal(deployment('four', 4))).message, /denied request: at most 3 replicas$/);
    await deployment('three', 3);

    await call({ verb: 'delete', group, resource: 'validatingadmissionpolicybindings', name: 'by-name' });
    await binding('missing', { policyName: 'limit', validationActions: ['Deny'], paramRef: { name: 'nothing', parameterNotFoundAction: 'Deny' } });
    assert.equal(
      (await refusal(deployment('any', 1))).message,
      "deployments.apps \"any\" is forbidden: ValidatingAdmissionPolicy 'limit' with binding 'missing' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
    );
    await call({ verb: 'delete', group, resource: 'validatingadmissionpolicybindings', name: 'missing' });
    await binding('allowing', { policyName: 'limit', validationActions: ['Deny'], paramRef: { name: 'nothing', parameterNotFoundAction: 'Allow' } });
    await deployment('allowed', 9);

    await call({ verb: 'delete', group, resource: 'validatingadmissionpolicybindings', name: 'allowing' });
    await binding('by-selector', { policyName: 'limit', validationActions: ['Deny'], paramRef: { selector: { matchLabels: { kind: 'limit' } }, parameterNotFoundAction: 'Deny' } });
    assert.match((await refusal(deployment('five', 5))).message, /with binding 'by-selector' denied request: at most 3 replicas$/);
  });

  it('namespaceObject, request, oldObject, variables and matchConditions are in scope', async () => {
    await policy('scoped', {
      matchConditions: [{ name: 'updates-only', expression: "request.operation == 'UPDATE'" }],
      variables: [
        { name: 'grew', expression: 'object.spec.replicas > oldObject.spec.replicas' },
        { name: 'isTest', expression: "namespaceObject.metadata.labels['env'] == 'test'" },
      ],
      validations: [{ expression: '!(variables.grew && variables.isTest)', message: 'test namespaces do not scale up' }],
    });
    await binding('scoped', { policyName: 'scoped', validationActions: ['Deny'] });
    await deployment('web', 1);
    const err = await refusal(call({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns, name: 'web', body: { spec: { replicas: 2 } }, contentType: 'application/merge-patch+json' }));
    assert.match(err.message, /denied request: test namespaces do not scale up$/);
    await call({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: ns, name: 'web', body: { spec: { replicas: 0 } }, contentType: 'application/merge-patch+json' });
  });

  it('binding matchResources narrow the policy; failurePolicy decides evaluation errors', async () => {
    await policy('strict', { validations: [{ expression: 'object.spec.nothing.here == 1' }] });
    await binding('only-labelled', { policyName: 'strict', validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { checked: 'yes' } } } });
    await deployment('unchecked', 1);
    const err = await refusal(deployment('checked', 1, { checked: 'yes' }));
    assert.match(err.message, /^deployments.apps "checked" is forbidden: ValidatingAdmissionPolicy 'strict' with binding 'only-labelled' denied request: expression 'object.spec.nothing.here == 1' resulted in error: /);
    await call({ verb: 'patch', group, resource: 'validatingadmissionpolicies', name: 'strict', body: { spec: { failurePolicy: 'Ignore' } }, contentType: 'application/merge-patch+json' });
    await deployment('checked-again', 1, { checked: 'yes' });
  });

  it('prints NAME VALIDATIONS PARAMKIND AGE and NAME POLICYNAME PARAMREF AGE', async () => {
    const policies = env.api.catalog.registry(group, 'v1', 'validatingadmissionpolicies')!.def.strategy.table!;
    const bindings = env.api.catalog.registry(group, 'v1', 'validatingadmissionpolicybindings')!.def.strategy.table!;
    assert.deepEqual(policies.columns.map((c) => c.name), ['Name', 'Validations', 'ParamKind', 'Age']);
    assert.deepEqual(bindings.columns.map((c) => c.name), ['Name', 'PolicyName', 'ParamRef', 'Age']);
    const now = new Date();
    assert.deepEqual(policies.row({ metadata: { name: 'p' }, spec: { validations: [{}, {}], paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } } } as never, now).slice(0, 3), ['p', 2, 'v1/ConfigMap']);
    assert.deepEqual(bindings.row({ metadata: { name: 'b' }, spec: { policyName: 'p', paramRef: { name: 'limits' } } } as never, now).slice(0, 3), ['b', 'p', '*/limits']);
  });
});
