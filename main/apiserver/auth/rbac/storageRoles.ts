// The bootstrap roles of storage (bootstrappolicy policy.go and
// controller_policy.go): system:persistent-volume-provisioner for external
// provisioners, system:volume-scheduler for the scheduler's VolumeBinding,
// and the roles of the persistent-volume-binder, pvc-protection and
// pv-protection controllers, bound to their kube-system service accounts as
// kube-controller-manager's --use-service-account-credentials binds them.

import type { KubeObject } from '../../../kube/meta.ts';
import { rbacGroup } from '../../resources/shared/rbac.ts';
import type { PolicyRule } from './policyRule.ts';

const read = ['get', 'list', 'watch'];
const storageGroup = 'storage.k8s.io';

function rule(verbs: string[], apiGroups: string[], resources: string[]): PolicyRule {
  return { apiGroups, resources, verbs };
}

/** eventsRule: what every controller needs to record events. */
const eventsRules = [rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events'])];

export const storageRoleRules: Record<string, PolicyRule[]> = {
  'system:persistent-volume-provisioner': [
    rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']),
    // update sets the provisioner's lock annotations on claims.
    rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    rule(read, [storageGroup], ['storageclasses']),
    rule(['watch'], [''], ['events']),
    ...eventsRules,
  ],
  'system:volume-scheduler': [
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']),
    rule(read, [storageGroup], ['storageclasses']),
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
  ],
  'system:controller:persistent-volume-binder': [
    rule(['create', 'delete', 'get', 'list', 'update', 'watch'], [''], ['persistentvolumes']),
    rule(['update'], [''], ['persistentvolumes/status']),
    rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    rule(['update'], [''], ['persistentvolumeclaims/status']),
    rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['pods']),
    rule(read, [storageGroup], ['storageclasses']),
    rule(['create', 'delete', 'get'], [''], ['endpoints', 'services']),
    rule(['get'], [''], ['secrets']),
    rule(['get', 'list'], [''], ['nodes']),
    rule(['watch'], [''], ['events']),
    ...eventsRules,
  ],
  'system:controller:pvc-protection-controller': [
    rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    rule(['get', 'list', 'watch'], [''], ['pods']),
    ...eventsRules,
  ],
  'system:controller:pv-protection-controller': [rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumes']), ...eventsRules],
};

/** Who each role is bound to (the binding has the role's name). */
export const storageRoleSubjects: Record<string, Array<Record<string, string>>> = {
  'system:volume-scheduler': [{ apiGroup: rbacGroup, kind: 'User', name: 'system:kube-scheduler' }],
  'system:controller:persistent-volume-binder': [{ kind: 'ServiceAccount', name: 'persistent-volume-binder', namespace: 'kube-system' }],
  'system:controller:pvc-protection-controller': [{ kind: 'ServiceAccount', name: 'pvc-protection-controller', namespace: 'kube-system' }],
  'system:controller:pv-protection-controller': [{ kind: 'ServiceAccount', name: 'pv-protection-controller', namespace: 'kube-system' }],
};

export function storageRoleObjects(wrapRole: (name: string, rules: PolicyRule[]) => KubeObject, wrapBinding: (name: string, subjects: Array<Record<string, string>>) => KubeObject) {
  return {
    roles: Object.entries(storageRoleRules).map(([name, rules]) => wrapRole(name, rules)),
    bindings: Object.entries(storageRoleSubjects).map(([name, subjects]) => wrapBinding(name, subjects)),
  };
}
