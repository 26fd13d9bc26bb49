// Secrets (core/v1): type Opaque by default, stringData folded into data (as
// the v1 conversion does), per-type required keys, the 1 MiB limit,
// immutability, and the TYPE and DATA columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { putKey } from '../../kube/ownKeys.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, required, tooLong, validateImmutableField } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { isObject, objectAt, stringAt } from './shared/json.ts';
import { maxDataSizeBytes, validateDataKeys, validateImmutableData } from './shared/keyedData.ts';

/** Write-only stringData overwrites data keys, base64-encoded, and is never stored. */
function foldStringData(secret: KubeObject): void {
  const stringData = objectAt(secret, 'stringData');
  if (stringData) {
    const data = { ...(objectAt(secret, 'data') ?? {}) };
    // putKey: a key named __proto__ is a key (ownKeys.ts).
    for (const [key, value] of Object.entries(stringData)) putKey(data, key, Buffer.from(String(value ?? ''), 'utf8').toString('base64'));
    secret.data = data;
  }
  delete secret.stringData;
}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validate(secret: KubeObject): FieldError[] {
  const data = objectAt(secret, 'data') ?? {};
  const errs = validateDataKeys(data, 'data');
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    const text = typeof value === 'string' ? value : '';
    // In Kubernetes this fails decoding ([]byte from base64); here it is a field error.
    if (!base64Pattern.test(text)) errs.push(invalid(`data[${key}]`, '<secret contents redacted>', 'illegal base64 data'));
    size += Buffer.from(text, 'base64').length;
  }
  if (size > maxDataSizeBytes) errs.push(tooLong('data', maxDataSizeBytes));
  const has = (key: string) => Object.hasOwn(data, key);
  switch (stringAt(secret, 'type')) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(required('data[.dockercfg]'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(required('data[username]'), required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!stringAt(data, 'ssh-privatekey')) errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

function validateUpdate(secret: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateImmutableField(stringAt(secret, 'type'), stringAt(old, 'type'), 'type'),
    ...validateImmutableData(secret, old, ['data']),
    ...validate(secret),
  ];
}

export const secrets: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults: (secret) => {
      if (!stringAt(secret, 'type')) secret.type = 'Opaque';
    },
    prepareForCreate: foldStringData,
    prepareForUpdate: foldStringData,
    validate,
    validateUpdate,
    selectableFields: {
      type: (secret) => stringAt(secret, 'type'),
    },
    table: {
      columns: [
        nameColumn(),
        column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
        column('Data', 'string', 'Data contains the secret data.'),
        ageColumn(),
      ],
      row: (secret, now) => [
        secret.metadata.name,
        stringAt(secret, 'type'),
        isObject(secret.data) ? Object.keys(secret.data).length : 0,
        ageSince(secret.metadata.creationTimestamp, now),
      ],
    },
  },
};
