// ValidateManagedFields: what metadata validation checks of the managedFields
// a client sends (entries that do not decode never get here: the field
// manager keeps the stored ones instead, as Kubernetes does).

import type { FieldError, ManagedFieldsEntry } from '../../kube/meta.ts';
import { invalid, tooLong } from '../validation/fieldErrors.ts';
import { validateFieldManager } from './managerName.ts';

const maxSubresourceNameLength = 256;

export function validateManagedFields(entries: ManagedFieldsEntry[] | undefined, field = 'metadata.managedFields'): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((entry, i) => {
    const at = `${field}[${i}]`;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') errs.push(invalid(`${at}.operation`, entry.operation ?? '', 'must be `Apply` or `Update`'));
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') errs.push(invalid(`${at}.fieldsType`, entry.fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(entry.manager ?? '', `${at}.manager`));
    if ((entry.subresource ?? '').length > maxSubresourceNameLength) errs.push(tooLong(`${at}.subresource`, maxSubresourceNameLength));
  });
  return errs;
}
