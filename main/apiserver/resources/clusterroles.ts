// ClusterRoles (rbac.authorization.k8s.io/v1): cluster-wide rules, which may
// name non-resource URLs, and aggregation rules.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { required } from '../validation/fieldErrors.ts';
import { validateLabelSelectorObject, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { createdAtTable } from './shared/columns.ts';
import { objectAt, objectsAt } from './shared/json.ts';
import { rbacGroup, validatePolicyRules } from './shared/rbac.ts';

function validate(role: KubeObject): FieldError[] {
  const errs = validatePolicyRules(role, false);
  const aggregationRule = objectAt(role, 'aggregationRule');
  if (aggregationRule) {
    const selectors = objectsAt(aggregationRule, 'clusterRoleSelectors');
    if (selectors.length === 0) {
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((s, i) => errs.push(...validateLabelSelectorObject(s as LabelSelectorObject, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

export const clusterroles: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  subresources: [],
  strategy: {
    validate,
    table: createdAtTable,
  },
};
