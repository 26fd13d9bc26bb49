// The parameter objects a binding gives its policy (paramKind + paramRef):
// one by name or every match of a selector, in paramRef's namespace, else
// the request's for namespaced kinds; none found is a refusal or a pass as
// parameterNotFoundAction says. Errors are worded as kube-apiserver's.

import type { KubeObject } from '../../../kube/meta.ts';
import type { ParamKind, ParamRef } from '../../../kube/types/admissionregistration-v1.ts';
import type { ResourceRegistry } from '../../registry/registry.ts';
import type { ResourceDefinition } from '../../registry/resourceDefinition.ts';
import { formatLabelSelectorObject, type LabelSelectorObject } from '../../validation/labelSelectorObject.ts';
import { getIfExists } from '../../storedObject.ts';

export class PolicyConfigurationError extends Error {}

export interface ParamServices {
  definitions(): readonly ResourceDefinition[];
  registry(group: string, version: string, plural: string): ResourceRegistry | undefined;
}

/** The objects to evaluate with: [null] when the policy takes no parameters. */
export async function collectParams(paramKind: ParamKind | undefined, paramRef: ParamRef | undefined, requestNamespace: string, services: ParamServices): Promise<Array<KubeObject | null>> {
  if (!paramKind) return [null];
  if (!paramRef) throw new PolicyConfigurationError('paramKind non-nil but paramRef is nil');
  const [group, version] = (paramKind.apiVersion ?? '').includes('/') ? (paramKind.apiVersion ?? '').split('/') : ['', paramKind.apiVersion ?? ''];
  const def = services.definitions().find((d) => d.group === group && d.version === version && d.kind === paramKind.kind);
  const registry = def && services.registry(def.group, def.version, def.plural);
  if (!def || !registry) throw new PolicyConfigurationError(`failed to find resource referenced by paramKind: '${group ? `${group}/` : ''}${version}, Kind=${paramKind.kind}'`);
  let namespace = '';
  if (def.namespaced) {
    namespace = paramRef.namespace || requestNamespace;
    if (!namespace) throw new PolicyConfigurationError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  }
  let params: KubeObject[];
  if (paramRef.name) {
    const found = await getIfExists(registry, namespace, paramRef.name);
    params = found ? [found] : [];
  } else {
    const selector = formatLabelSelectorObject(paramRef.selector as LabelSelectorObject | undefined);
    params = (await registry.list(namespace, selector ? { labelSelector: selector } : {})).items;
  }
  if (params.length === 0) {
    if ((paramRef.parameterNotFoundAction ?? 'Deny') === 'Deny') throw new PolicyConfigurationError('no params found for policy binding with `Deny` parameterNotFoundAction');
    return [];
  }
  return params;
}
