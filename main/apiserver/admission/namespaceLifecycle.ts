// The NamespaceLifecycle admission plugin: nothing is created in a namespace
// that does not exist or is being deleted, and the system namespaces cannot be
// deleted.

import { errors } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export class NamespaceLifecyclePlugin implements AdmissionPlugin {
  readonly name = 'NamespaceLifecycle';

  /** `getNamespace` answers at once when it can (from memory): the check then costs no promise on each create. */
  constructor(private readonly getNamespace: (name: string) => KubeObject | undefined | Promise<KubeObject | undefined>) {}

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    const { resource, operation } = attrs;
    if (resource.kind === 'Namespace' && resource.group === '' && operation === 'DELETE' && immortalNamespaces.has(attrs.name)) {
      throw errors.forbidden({ group: '', resource: 'namespaces' }, attrs.name, 'this namespace may not be deleted');
    }
    if (!resource.namespaced || operation !== 'CREATE') return;
    const found = this.getNamespace(attrs.namespace);
    if (found instanceof Promise) return found.then((namespace) => this.admitInto(attrs, namespace));
    this.admitInto(attrs, found);
  }

  private admitInto(attrs: AdmissionAttributes, namespace: KubeObject | undefined): void {
    const { resource } = attrs;
    if (!namespace) throw errors.notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
    const phase = (namespace.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Terminating' || namespace.metadata.deletionTimestamp) {
      throw errors.forbidden(
        { group: resource.group, resource: resource.plural },
        attrs.name,
        `unable to create new content in namespace ${attrs.namespace} because it is being terminated`,
      );
    }
  }
}
