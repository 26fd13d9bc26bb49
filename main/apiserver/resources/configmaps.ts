// ConfigMaps (core/v1): key names, the 1 MiB limit, immutability, DATA column.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, tooLong } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt } from './shared/json.ts';
import { maxDataSizeBytes, validateDataKeys, validateImmutableData } from './shared/keyedData.ts';

function validate(cm: KubeObject): FieldError[] {
  const data = objectAt(cm, 'data') ?? {};
  const binaryData = objectAt(cm, 'binaryData') ?? {};
  const errs = validateDataKeys(data, 'data');
  for (const key of Object.keys(data)) {
    if (Object.hasOwn(binaryData, key)) errs.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  }
  errs.push(...validateDataKeys(binaryData, 'binaryData'));
  let size = 0;
  for (const value of Object.values(data)) size += Buffer.byteLength(String(value));
  for (const value of Object.values(binaryData)) size += Buffer.from(String(value), 'base64').length;
  // Kubernetes reports the size against the whole object, with an empty field path.
  if (size > maxDataSizeBytes) errs.push(tooLong('', maxDataSizeBytes));
  return errs;
}

export const configmaps: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  subresources: [],
  strategy: {
    validate,
    validateUpdate: (cm, old) => [...validate(cm), ...validateImmutableData(cm, old, ['data', 'binaryData'])],
    table: {
      columns: [nameColumn(), column('Data', 'string', 'Data contains the configuration data.'), ageColumn()],
      row: (cm, now) => [
        cm.metadata.name,
        Object.keys(objectAt(cm, 'data') ?? {}).length + Object.keys(objectAt(cm, 'binaryData') ?? {}).length,
        ageSince(cm.metadata.creationTimestamp, now),
      ],
    },
  },
};
