// RBAC validation (pkg/apis/rbac/validation) and defaults shared by Roles,
// ClusterRoles, RoleBindings and ClusterRoleBindings, and the binding table.

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import { invalid, notSupported, required, semanticEqual } from '../../validation/fieldErrors.ts';
import { GoValue, goQuote, goStruct } from '../../validation/goSyntax.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import { nameIsPathSegment } from '../../validation/nameValidators.ts';
import { ageColumn, column, nameColumn } from './columns.ts';
import { ageSince } from './humanDuration.ts';
import { arrayAt, ensureObject, objectAt, objectsAt, stringAt, type JsonObject } from './json.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';

export function validatePolicyRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  objectsAt(obj, 'rules').forEach((rule, i) => {
    const path = `rules[${i}]`;
    if (arrayAt(rule, 'verbs').length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
    const nonResourceURLs = arrayAt(rule, 'nonResourceURLs');
    if (nonResourceURLs.length > 0) {
      if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (arrayAt(rule, 'apiGroups').length > 0 || arrayAt(rule, 'resources').length > 0 || arrayAt(rule, 'resourceNames').length > 0) {
        errs.push(invalid(`${path}.nonResourceURLs`, nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (arrayAt(rule, 'apiGroups').length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
    if (arrayAt(rule, 'resources').length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

/** SetDefaults_Subject and the roleRef's group: Users and Groups belong to the RBAC API group. */
export function defaultBinding(binding: KubeObject): void {
  const roleRef = ensureObject(binding, 'roleRef');
  if (!stringAt(roleRef, 'apiGroup')) roleRef.apiGroup = rbacGroup;
  for (const subject of objectsAt(binding, 'subjects')) {
    if (subject.apiGroup === undefined || subject.apiGroup === '') subject.apiGroup = subject.kind === 'ServiceAccount' ? '' : rbacGroup;
  }
}

function validateSubject(subject: JsonObject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringAt(subject, 'name');
  const apiGroup = stringAt(subject, 'apiGroup');
  if (!name) errs.push(required(`${path}.name`));
  switch (stringAt(subject, 'kind')) {
    case 'ServiceAccount':
      if (name) errs.push(...isDNS1123Subdomain(name).map((msg) => invalid(`${path}.name`, name, msg)));
      if (apiGroup) errs.push(notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !stringAt(subject, 'namespace')) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== rbacGroup) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, stringAt(subject, 'kind'), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateBinding(binding: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const roleRef = objectAt(binding, 'roleRef');
  const apiGroup = stringAt(roleRef, 'apiGroup');
  if (apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', apiGroup, [rbacGroup]));
  const kind = stringAt(roleRef, 'kind');
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) errs.push(notSupported('roleRef.kind', kind, kinds));
  const name = stringAt(roleRef, 'name');
  if (!name) errs.push(required('roleRef.name'));
  else errs.push(...nameIsPathSegment(name, false).map((msg) => invalid('roleRef.name', name, msg)));
  objectsAt(binding, 'subjects').forEach((subject, i) => errs.push(...validateSubject(subject, namespaced, `subjects[${i}]`)));
  return errs;
}

function goRoleRef(roleRef: JsonObject | undefined): GoValue {
  return new GoValue(
    goStruct('rbac.RoleRef', [
      ['APIGroup', goQuote(stringAt(roleRef, 'apiGroup'))],
      ['Kind', goQuote(stringAt(roleRef, 'kind'))],
      ['Name', goQuote(stringAt(roleRef, 'name'))],
    ]),
  );
}

export function validateRoleRefUnchanged(binding: KubeObject, old: KubeObject): FieldError[] {
  const roleRef = objectAt(binding, 'roleRef');
  return semanticEqual(roleRef, objectAt(old, 'roleRef')) ? [] : [invalid('roleRef', goRoleRef(roleRef), 'cannot change roleRef')];
}

/** rbac.SubjectsStrings: users, groups and namespace/name of service accounts. */
function subjectCells(binding: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of objectsAt(binding, 'subjects')) {
    const kind = stringAt(s, 'kind');
    if (kind === 'ServiceAccount') serviceAccounts.push(`${stringAt(s, 'namespace')}/${stringAt(s, 'name')}`);
    else if (kind === 'User') users.push(stringAt(s, 'name'));
    else if (kind === 'Group') groups.push(stringAt(s, 'name'));
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

export function bindingTable(noun: string) {
  return {
    columns: [
      nameColumn(),
      column('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      ageColumn(),
      column('Users', 'string', `Users in the ${noun}`, 1),
      column('Groups', 'string', `Groups in the ${noun}`, 1),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`, 1),
    ],
    row(binding: KubeObject, now: Date): unknown[] {
      const roleRef = objectAt(binding, 'roleRef');
      return [binding.metadata.name, `${stringAt(roleRef, 'kind')}/${stringAt(roleRef, 'name')}`, ageSince(binding.metadata.creationTimestamp, now), ...subjectCells(binding)];
    },
  };
}
