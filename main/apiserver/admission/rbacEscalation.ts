// RBAC escalation prevention on writes of Roles, ClusterRoles and their
// bindings (Kubernetes does it in the RBAC registries' policybased storage):
// the writer must already hold every permission granted, or may `escalate`
// the role / `bind` the referenced role. system:masters is exempt, and so is
// an update that only touches what the garbage collector needs.

import type { Authorizer } from '../auth/authorizer.ts';
import { EscalationCheck, fullAuthority } from '../auth/rbac/escalation.ts';
import { rulesOf } from '../auth/rbac/policyRule.ts';
import { roleRefOf } from '../auth/rbac/ruleResolver.ts';
import type { RuleResolver } from '../auth/rbac/ruleResolver.ts';
import { errors } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { rbacGroup } from '../resources/shared/rbac.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

/** IsOnlyMutatingGCFields: nothing changed but ownerReferences and finalizers. */
function onlyGarbageCollectionFields(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return false;
  const strip = ({ metadata, ...rest }: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, selfLink: _s, ...meta } = metadata;
    return { ...rest, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

function hasAggregationRule(role: KubeObject | undefined): boolean {
  return role?.aggregationRule !== undefined && role.aggregationRule !== null;
}

export class RbacEscalationPlugin implements AdmissionPlugin {
  readonly name = 'RBACEscalation';
  private readonly check: EscalationCheck;

  constructor(
    authorizer: Authorizer,
    private readonly resolver: RuleResolver,
  ) {
    this.check = new EscalationCheck(authorizer, resolver);
  }

  // Answers at once for what it does not look at: the chain awaits only a promise.
  validate(attrs: AdmissionAttributes): Promise<void> | void {
    const { resource, operation, object } = attrs;
    if (resource.group !== rbacGroup || attrs.subresource || !object || (operation !== 'CREATE' && operation !== 'UPDATE')) return;
    return this.validateRbacWrite(attrs);
  }

  private async validateRbacWrite(attrs: AdmissionAttributes): Promise<void> {
    const { resource, operation, user } = attrs;
    const object = attrs.object!;
    if (this.check.escalationAllowed(user)) return;
    const forbid = (why: string) => errors.forbidden({ group: rbacGroup, resource: resource.plural }, attrs.name, why);
    const namespace = resource.namespaced ? attrs.namespace : '';
    switch (resource.plural) {
      case 'roles':
      case 'clusterroles': {
        if (await this.check.roleEscalationAuthorized(user, resource.plural, namespace, attrs.name)) return;
        if (operation === 'UPDATE' && onlyGarbageCollectionFields(object, attrs.oldObject)) return;
        const missing = await this.check.confirmNoEscalation(user, namespace, rulesOf(object));
        if (missing) throw forbid(missing);
        // An aggregationRule can gather any rule, so it takes full authority to set or change.
        if (resource.plural === 'clusterroles' && (hasAggregationRule(object) || (operation === 'UPDATE' && hasAggregationRule(attrs.oldObject)))) {
          if (await this.check.confirmNoEscalation(user, '', fullAuthority)) {
            throw forbid(operation === 'CREATE' ? 'must have cluster-admin privileges to use the aggregationRule' : 'must have cluster-admin privileges to use an aggregationRule');
          }
        }
        return;
      }
      case 'rolebindings':
      case 'clusterrolebindings': {
        if (operation === 'UPDATE' && onlyGarbageCollectionFields(object, attrs.oldObject)) return;
        const roleRef = roleRefOf(object);
        if (await this.check.bindingAuthorized(user, roleRef, namespace)) return;
        const resolved = await this.resolver.roleReferenceRules(roleRef, namespace);
        if ('error' in resolved) throw forbid(resolved.error);
        const missing = await this.check.confirmNoEscalation(user, namespace, resolved.rules);
        if (missing) throw forbid(missing);
      }
    }
  }
}
