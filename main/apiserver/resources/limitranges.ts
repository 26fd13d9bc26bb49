// LimitRanges (core/v1): per-container (and pod, and claim) minimums,
// maximums, defaults and limit/request ratios that the LimitRanger
// admission plugin applies. ValidateLimitRange's main checks; the columns
// are kubectl's default NAME and CREATED AT.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { compareQuantities, parseQuantity } from '../../kube/quantity.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { createdAtTable } from './shared/columns.ts';
import { objectAt, objectsAt, stringMapAt } from './shared/json.ts';

const limitTypes = ['Container', 'Pod', 'PersistentVolumeClaim'];

function validate(range: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objectsAt(objectAt(range, 'spec'), 'limits').forEach((limit, i) => {
    const path = `spec.limits[${i}]`;
    const type = limit.type;
    if (typeof type !== 'string' || !type) errs.push(required(`${path}.type`));
    else if (!limitTypes.includes(type)) errs.push(notSupported(`${path}.type`, type, limitTypes));
    const maps = Object.fromEntries(['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((k) => [k, stringMapAt(limit, k) ?? {}]));
    for (const [key, map] of Object.entries(maps)) {
      for (const [name, value] of Object.entries(map)) {
        try {
          parseQuantity(String(value));
        } catch (err) {
          errs.push(invalid(`${path}.${key}[${name}]`, String(value), (err as Error).message));
        }
      }
    }
    const q = (value: string | undefined) => (value === undefined ? undefined : parseQuantity(value));
    for (const name of new Set([...Object.keys(maps.min!), ...Object.keys(maps.max!), ...Object.keys(maps.default!), ...Object.keys(maps.defaultRequest!)])) {
      try {
        const [min, max, def, defReq] = [q(maps.min![name]), q(maps.max![name]), q(maps.default![name]), q(maps.defaultRequest![name])];
        if (min && max && compareQuantities(min, max) > 0) errs.push(invalid(`${path}.min[${name}]`, maps.min![name], `min value ${maps.min![name]} is greater than max value ${maps.max![name]}`));
        if (defReq && max && compareQuantities(defReq, max) > 0) errs.push(invalid(`${path}.defaultRequest[${name}]`, maps.defaultRequest![name], `default request value ${maps.defaultRequest![name]} is greater than max value ${maps.max![name]}`));
        if (def && max && compareQuantities(def, max) > 0) errs.push(invalid(`${path}.default[${name}]`, maps.default![name], `default value ${maps.default![name]} is greater than max value ${maps.max![name]}`));
        if (defReq && def && compareQuantities(defReq, def) > 0) errs.push(invalid(`${path}.defaultRequest[${name}]`, maps.defaultRequest![name], `default request value ${maps.defaultRequest![name]} is greater than default limit value ${maps.default![name]}`));
      } catch {
        // Unparseable amounts were reported above.
      }
    }
  });
  return errs;
}

export const limitranges: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  subresources: [],
  strategy: { validate, validateUpdate: (range) => validate(range), table: createdAtTable },
};
