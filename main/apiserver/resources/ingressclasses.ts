// IngressClasses (networking.k8s.io/v1): which controller serves Ingresses of
// a class (ValidateIngressClass, the immutable controller, parameters'
// scope defaulted to Cluster) and the `kubectl get ingressclass` columns.
// The class annotated as default is given to Ingresses that name none (the
// DefaultIngressClass admission plugin).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, notSupported, required, tooLong, validateImmutableField } from '../validation/fieldErrors.ts';
import { domainPrefixedPathProblems, isDNS1123Label, isDNS1123Subdomain, isValidPathSegmentName } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, stringAt } from './shared/json.ts';

export const defaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
const maxControllerLength = 250;
const scopes = ['Cluster', 'Namespace'];

function validateParameters(params: Record<string, unknown> | undefined): FieldError[] {
  if (!params) return [];
  const path = 'spec.parameters';
  const errs: FieldError[] = [];
  if (typeof params.apiGroup === 'string') for (const msg of isDNS1123Subdomain(params.apiGroup)) errs.push(invalid(`${path}.apiGroup`, params.apiGroup, msg));
  for (const key of ['kind', 'name']) {
    const value = stringAt(params, key);
    if (!value) errs.push(required(`${path}.${key}`));
    else for (const msg of isValidPathSegmentName(value)) errs.push(invalid(`${path}.${key}`, value, msg));
  }
  const scope = params.scope;
  if (typeof scope !== 'string') return [...errs, required(`${path}.scope`)];
  if (!scopes.includes(scope)) return [...errs, notSupported(`${path}.scope`, scope, scopes)];
  const namespace = params.namespace;
  if (scope === 'Namespace') {
    if (typeof namespace !== 'string') errs.push(required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of isDNS1123Label(namespace)) errs.push(invalid(`${path}.namespace`, namespace, msg));
  } else if (namespace !== undefined) {
    errs.push(forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

function validate(ingressClass: KubeObject): FieldError[] {
  const spec = objectAt(ingressClass, 'spec') ?? {};
  const controller = stringAt(spec, 'controller');
  const errs: FieldError[] = [];
  if (!controller) errs.push(required('spec.controller'));
  else {
    if (controller.length > maxControllerLength) errs.push(tooLong('spec.controller', maxControllerLength));
    for (const problem of domainPrefixedPathProblems(controller)) errs.push(invalid('spec.controller', problem.value, problem.detail));
  }
  return [...errs, ...validateParameters(objectAt(spec, 'parameters'))];
}

function parametersCell(ingressClass: KubeObject): string {
  const params = objectAt(objectAt(ingressClass, 'spec'), 'parameters');
  if (!params) return '<none>';
  const group = stringAt(params, 'apiGroup');
  return `${stringAt(params, 'kind')}${group ? `.${group}` : ''}/${stringAt(params, 'name')}`;
}

export const ingressclasses: ResourceDefinition = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  subresources: [],
  strategy: {
    applyDefaults: (ingressClass) => {
      const params = objectAt(objectAt(ingressClass, 'spec'), 'parameters');
      if (params && params.scope === undefined) params.scope = 'Cluster';
    },
    validate,
    validateUpdate: (ingressClass, old) => [
      ...validateImmutableField(objectAt(ingressClass, 'spec')?.controller, objectAt(old, 'spec')?.controller, 'spec.controller'),
      ...validate(ingressClass),
    ],
    table: {
      columns: [nameColumn(), column('Controller', 'string', 'Controller that is responsible for handling this class'), column('Parameters', 'string', 'A reference to a resource with additional parameters'), ageColumn()],
      row: (ingressClass, now) => [ingressClass.metadata.name, stringAt(objectAt(ingressClass, 'spec'), 'controller'), parametersCell(ingressClass), ageSince(ingressClass.metadata.creationTimestamp, now)],
    },
  },
};
