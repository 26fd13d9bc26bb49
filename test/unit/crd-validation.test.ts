// CustomResourceDefinition validation and strategy, as apiextensions-apiserver
// answers for the docs' CronTab CRD bent in the ways users get wrong: the
// field paths (internal ones: a single version's schema is spec.validation),
// the messages, and the defaults and status the strategy sets.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate, type SchemaChecks } from '../../main/apiserver/crd/crdValidation.ts';
import type { CustomResourceDefinition } from '../../main/apiserver/crd/types.ts';
import type { FieldError } from '../../main/kube/meta.ts';
import { customresourcedefinitions, defaultCustomResourceDefinition } from '../../main/apiserver/resources/customresourcedefinitions.ts';
import { fieldErrorMessage } from '../../main/apiserver/validation/fieldErrors.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';

/** A CRD as the strategy sees it on create: defaulted, status reset, storage version recorded. */
function created(edit: (crd: CustomResourceDefinition) => void = () => {}): CustomResourceDefinition {
  const crd = cronTabCrd();
  edit(crd);
  defaultCustomResourceDefinition(crd);
  customresourcedefinitions.strategy.prepareForCreate!(crd);
  return crd;
}

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const validate = (edit: (crd: CustomResourceDefinition) => void, checks?: SchemaChecks) => messages(validateCustomResourceDefinition(created(edit), { schemaChecks: checks }));

describe('CRD defaults and strategy', () => {
  it('defaults singular, listKind, conversion and the webhook port, and records the storage version', () => {
    const crd = cronTabCrd();
    delete crd.spec.names.singular;
    crd.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: 'ns', name: 'svc' } }, conversionReviewVersions: ['v1'] } };
    defaultCustomResourceDefinition(crd);
    assert.deepEqual([crd.spec.names.singular, crd.spec.names.listKind, crd.spec.conversion.webhook?.clientConfig?.service?.port], ['crontab', 'CronTabList', 443]);
    const plain = created();
    assert.deepEqual(plain.spec.conversion, { strategy: 'None' });
    assert.deepEqual([plain.status, plain.metadata.generation], [{ storedVersions: ['v1'] }, 1]);
  });

  it('adds a new storage version to storedVersions on update, keeping the old ones', () => {
    const crd = created();
    crd.spec.versions = [{ ...crd.spec.versions[0], storage: false }, { ...crd.spec.versions[0], name: 'v2', storage: true }];
    customresourcedefinitions.strategy.prepareForUpdate!(crd, created());
    assert.deepEqual(crd.status?.storedVersions, ['v1', 'v2']);
  });

  it('accepts the docs CronTab CRD', () => {
    assert.deepEqual(validate(() => {}), []);
    assert.deepEqual(messages(customresourcedefinitions.strategy.validate!(created())), []);
  });
});

describe('CRD validation', () => {
  it('wants the name to be plural.group and the group to be a domain', () => {
    assert.deepEqual(validate((crd) => (crd.metadata.name = 'crontab.stable.example.com')), ['metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group']);
    assert.deepEqual(validate((crd) => {
      crd.spec.group = 'example';
      crd.metadata.name = 'crontabs.example';
    }), ['spec.group: Invalid value: "example": should be a domain with at least one dot']);
    assert.deepEqual(validate((crd) => {
      crd.spec.group = 'Stable.example.com';
      crd.metadata.name = 'crontabs.Stable.example.com';
    }), [
      "spec.group: Invalid value: \"Stable.example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('checks the scope and the names as DNS-1035 labels', () => {
    assert.deepEqual(validate((crd) => (crd.spec.scope = 'Global' as never)), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']);
    const names = validate((crd) => {
      crd.spec.names.shortNames = ['1ct'];
      crd.spec.names.kind = 'Cron_Tab';
      crd.spec.names.listKind = 'Cron_Tab';
      crd.spec.names.categories = ['all', 'Bad'];
    });
    assert.deepEqual(names, [
      "spec.names.kind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.listKind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.shortNames[0]: Invalid value: \"1ct\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.names.listKind: Invalid value: "Cron_Tab": kind and listKind may not be the same',
      "spec.names.categories[1]: Invalid value: \"Bad\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(validate((crd) => (crd.spec.names.kind = '')).slice(0, 1), ['spec.names.kind: Required value']);
  });

  it('wants exactly one storage version, unique version names, and a schema for each', () => {
    const noStorage = validate((crd) => (crd.spec.versions[0].storage = false));
    assert.deepEqual(noStorage, [
      'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ]);
    const twice = validate((crd) => crd.spec.versions.push({ ...crd.spec.versions[0], storage: false }));
    assert.equal(twice.length, 1);
    assert.match(twice[0], /^spec\.versions: Invalid value: \[\]apiextensions\.CustomResourceDefinitionVersion\{.*\}: must contain unique version names$/);
    assert.deepEqual(validate((crd) => delete crd.spec.versions[0].schema), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
    const badName = validate((crd) => (crd.spec.versions[0].name = 'V1'));
    assert.deepEqual(badName.map((m) => m.split(':')[0]), ['spec.versions[0].name', 'spec.version']);
  });

  it('reports a single version schema, subresources and columns at the top level, several different ones per version', () => {
    const checks: SchemaChecks = (_schema, path) => [{ type: 'FieldValueInvalid', field: `${path}.type`, value: 'x', detail: 'seen' }];
    assert.deepEqual(validate(() => {}, checks), ['spec.validation.openAPIV3Schema.type: Invalid value: "x": seen']);
    const twoVersions = validate((crd) => {
      const v2 = structuredClone(crd.spec.versions[0]);
      v2.name = 'v2';
      v2.storage = false;
      (v2.schema!.openAPIV3Schema!.properties as Record<string, unknown>).extra = { type: 'string' };
      v2.additionalPrinterColumns![0].jsonPath = 'spec.cronSpec';
      crd.spec.versions.push(v2);
    }, checks);
    assert.deepEqual(twoVersions, [
      'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "x": seen',
      'spec.versions[1].schema.openAPIV3Schema.type: Invalid value: "x": seen',
      'spec.versions[1].additionalPrinterColumns[0].JSONPath: Invalid value: "spec.cronSpec": must be a simple json path starting with .',
    ]);
  });

  it('checks printer columns and scale paths', () => {
    const errs = validate((crd) => {
      crd.spec.versions[0].additionalPrinterColumns = [
        { name: '', type: 'text', format: 'money', jsonPath: 'spec.x' },
        { name: 'T', type: '', jsonPath: '' },
      ];
      crd.spec.versions[0].subresources = { status: {}, scale: { specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: '.metadata.labels' } };
    });
    assert.deepEqual(errs, [
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .',
      'spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status',
      'spec.additionalPrinterColumns[0].name: Required value',
      'spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[0].format: Invalid value: "money": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .',
      'spec.additionalPrinterColumns[1].type: Required value: must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[1].JSONPath: Required value',
    ]);
  });

  it('allows only certain fields at the root when status is a subresource, and no nullable root', () => {
    const errs = validate((crd) => {
      const schema = crd.spec.versions[0].schema!.openAPIV3Schema!;
      schema.nullable = true;
      schema.additionalProperties = { type: 'string' };
    });
    assert.equal(errs.length, 2);
    assert.match(errs[0], /^spec\.validation\.openAPIV3Schema: Invalid value: apiextensions\.JSONSchemaProps\{Nullable:true\}: only \[Description Type Format .* XValidations\] fields are allowed at the root of the schema if the status subresource is enabled$/);
    assert.equal(errs[1], 'spec.validation.openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root');
  });

  it('checks selectable fields against the schema', () => {
    const errs = validate((crd) => {
      crd.spec.versions[0].selectableFields = [{ jsonPath: '.spec.cronSpec' }, { jsonPath: '.spec.cronSpec' }, { jsonPath: '.spec' }, { jsonPath: '.spec.nope' }, { jsonPath: '.spec.items[0]' }, { jsonPath: '' }];
    });
    assert.deepEqual(errs, [
      'spec.selectableFields[1].jsonPath: Duplicate value: ".spec.cronSpec"',
      'spec.selectableFields[2].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
      'spec.selectableFields[3].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field',
      'spec.selectableFields[4].jsonPath: Invalid value: ".spec.items[0]": is an invalid path: does not refer to a valid field',
      'spec.selectableFields[5].jsonPath: Required value',
    ]);
    const many = validate((crd) => {
      const props = crd.spec.versions[0].schema!.openAPIV3Schema!.properties as Record<string, { properties: Record<string, unknown> }>;
      for (let i = 0; i < 9; i++) props.spec.properties[`f${i}`] = { type: 'string' };
      crd.spec.versions[0].selectableFields = Array.from({ length: 9 }, (_, i) => ({ jsonPath: `.spec.f${i}` }));
    });
    assert.deepEqual(many, ['spec.selectableFields: Too many: 9: must have at most 8 items']);
  });

  it('checks conversion webhooks without refusing them', () => {
    const webhook = (webhookSpec: NonNullable<CustomResourceDefinition['spec']['conversion']>['webhook']) =>
      validate((crd) => (crd.spec.conversion = { strategy: 'Webhook', webhook: webhookSpec }));
    assert.deepEqual(webhook({ clientConfig: { service: { namespace: 'ns', name: 'conv', path: '/convert' } }, conversionReviewVersions: ['v1'] }), []);
    assert.deepEqual(webhook(undefined), ['spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook', 'spec.conversion.conversionReviewVersions: Required value']);
    assert.deepEqual(webhook({ clientConfig: { url: 'http://user@example.com/x?y=1' }, conversionReviewVersions: ['v2'] }), [
      'spec.conversion.webhookClientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
      'spec.conversion.webhookClientConfig.url: Invalid value: "user": user information is not permitted in the URL',
      'spec.conversion.webhookClientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
      'spec.conversion.conversionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1',
    ]);
    assert.deepEqual(validate((crd) => (crd.spec.conversion = { strategy: 'None', webhook: { conversionReviewVersions: ['v1'] } })), [
      'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook',
    ]);
  });

  it('refuses preserveUnknownFields and protected groups without approval', () => {
    assert.deepEqual(validate((crd) => (crd.spec.preserveUnknownFields = true)), [
      'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
    ]);
    const k8s = (annotations?: Record<string, string>) =>
      validate((crd) => {
        crd.spec.group = 'stable.k8s.io';
        crd.metadata.name = 'crontabs.stable.k8s.io';
        if (annotations) crd.metadata.annotations = annotations;
      });
    assert.deepEqual(k8s(), ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']);
    assert.deepEqual(k8s({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/78458' }), []);
    assert.deepEqual(k8s({ 'api-approved.kubernetes.io': 'unapproved, experimental' }), []);
    assert.match(k8s({ 'api-approved.kubernetes.io': 'yes' })[0], /^metadata\.annotations\[api-approved\.kubernetes\.io\]: Invalid value: "yes": protected groups must have approval annotation/);
  });

  it('checks deprecation warnings', () => {
    assert.deepEqual(validate((crd) => (crd.spec.versions[0].deprecationWarning = 'old')), ['spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions']);
    assert.deepEqual(validate((crd) => Object.assign(crd.spec.versions[0], { deprecated: true, deprecationWarning: 'a\tb' })), [
      'spec.versions[0].deprecationWarning: Invalid value: "a\\tb": must only contain printable UTF-8 characters; control character found at index 1',
    ]);
  });
});

describe('CRD update validation', () => {
  const established = () => {
    const crd = created();
    crd.status = { ...crd.status, conditions: [{ type: 'Established', status: 'True' }], acceptedNames: crd.spec.names };
    return crd;
  };

  it('keeps group and plural, and scope and kind once established', () => {
    const old = established();
    const next = structuredClone(old);
    next.spec.scope = 'Cluster';
    next.spec.names.kind = 'Cron';
    next.spec.names.listKind = 'CronList';
    assert.deepEqual(messages(validateCustomResourceDefinitionUpdate(next, old)), ['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Cron": field is immutable']);
    const fresh = created();
    assert.deepEqual(messages(validateCustomResourceDefinitionUpdate({ ...next, status: fresh.status }, fresh)), []);
    const regrouped = structuredClone(old);
    regrouped.spec.group = 'other.example.com';
    assert.ok(messages(validateCustomResourceDefinitionUpdate(regrouped, old)).includes('spec.group: Invalid value: "other.example.com": field is immutable'));
  });

  it('keeps every stored version among the versions', () => {
    const old = established();
    old.status!.storedVersions = ['v1beta1', 'v1'];
    assert.deepEqual(messages(validateCustomResourceDefinitionUpdate(structuredClone(old), old)), ['status.storedVersions[0]: Invalid value: "v1beta1": must appear in spec.versions']);
  });

  it('does not start requiring schemas from a CRD that lacked them', () => {
    const old = created((crd) => delete crd.spec.versions[0].schema);
    const next = structuredClone(old);
    next.spec.versions[0].served = true;
    assert.deepEqual(messages(validateCustomResourceDefinitionUpdate(next, old)), ['spec.versions[0].schema.openAPIV3Schema: Required value: because otherwise all fields are pruned']);
  });
});
