// APIServices (apiregistration.k8s.io/v1): which server answers each
// group-version. PodLab serves every group itself, so its own are local
// (`service: null`), created by the cluster as kube-apiserver's autoregister
// and crdregistration controllers create them (cluster/apiServiceRegistration.ts);
// a local APIService is Available from its creation, as the aggregator's
// strategy marks it. APIServices naming a Service are stored, but PodLab
// does not proxy aggregated APIs: their availability stays Unknown.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { boolAt, ensureObject, numberAt, objectAt, objectsAt, stringAt } from './shared/json.ts';

/** NewLocalAvailableAPIServiceCondition. */
export function localAvailableCondition(now: Date): Record<string, string> {
  return { type: 'Available', status: 'True', lastTransitionTime: kubeTimestamp(now), reason: 'Local', message: 'Local APIServices are always available' };
}

/** SetDefaults_ServiceReference; and `service` is never omitted (no omitempty): a local one is `null`. */
function applyDefaults(apiService: KubeObject): void {
  const spec = ensureObject(apiService, 'spec');
  if (spec.service === undefined) spec.service = null;
  const service = objectAt(spec, 'service');
  if (service && service.port === undefined) service.port = 443;
}

/** The strategy's PrepareForCreate: status is the server's, and a local APIService is available at once. */
function prepareForCreate(apiService: KubeObject): void {
  apiService.status = objectAt(apiService, 'spec')?.service ? {} : { conditions: [localAvailableCondition(new Date())] };
}

/** ValidateAPIService. */
function validate(apiService: KubeObject): FieldError[] {
  const spec = objectAt(apiService, 'spec');
  const group = stringAt(spec, 'group');
  const version = stringAt(spec, 'version');
  const errs: FieldError[] = [];
  const name = apiService.metadata.name ?? '';
  // The registry checks the name is a path segment; only then must it be version.group.
  const requiredName = `${version}.${group}`;
  if (name && isValidPathSegmentName(name).length === 0 && name !== requiredName) {
    errs.push(invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(requiredName)}`));
  }
  if (!group && version !== 'v1') errs.push(required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const message of isDNS1123Subdomain(group)) errs.push(invalid('spec.group', group, message));
  for (const message of isDNS1035Label(version)) errs.push(invalid('spec.version', version, message));
  const groupPriority = numberAt(spec, 'groupPriorityMinimum') ?? 0;
  if (groupPriority <= 0 || groupPriority > 20000) errs.push(invalid('spec.groupPriorityMinimum', groupPriority, 'must be positive and less than 20000'));
  const versionPriority = numberAt(spec, 'versionPriority') ?? 0;
  if (versionPriority <= 0 || versionPriority > 1000) errs.push(invalid('spec.versionPriority', versionPriority, 'must be positive and less than 1000'));
  const caBundle = stringAt(spec, 'caBundle');
  const insecure = boolAt(spec, 'insecureSkipTLSVerify');
  const service = objectAt(spec, 'service');
  if (!service) {
    if (caBundle) errs.push(invalid('spec.caBundle', `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(invalid('spec.insecureSkipTLSVerify', insecure, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (!stringAt(service, 'namespace')) errs.push(required('spec.service.namespace'));
  if (!stringAt(service, 'name')) errs.push(required('spec.service.name'));
  if (insecure && caBundle) errs.push(invalid('spec.insecureSkipTLSVerify', insecure, 'may not be true if caBundle is present'));
  return errs;
}

/** ValidateAPIServiceStatus: condition statuses are True, False or Unknown. */
function validateStatusUpdate(apiService: KubeObject): FieldError[] {
  return objectsAt(objectAt(apiService, 'status'), 'conditions').flatMap((condition, i) => {
    const status = stringAt(condition, 'status');
    return ['True', 'False', 'Unknown'].includes(status) ? [] : [notSupported(`status.conditions[${i}].status`, status, ['True', 'False', 'Unknown'])];
  });
}

/** The aggregator's printer: Local or namespace/name; True, or the status with its reason. */
function row(apiService: KubeObject, now: Date): unknown[] {
  const service = objectAt(objectAt(apiService, 'spec'), 'service');
  const available = objectsAt(objectAt(apiService, 'status'), 'conditions').find((c) => c.type === 'Available');
  const status = stringAt(available, 'status');
  const reason = stringAt(available, 'reason');
  const shown = !available ? 'Unknown' : status !== 'True' && reason ? `${status} (${reason})` : status;
  return [apiService.metadata.name, service ? `${stringAt(service, 'namespace')}/${stringAt(service, 'name')}` : 'Local', shown, ageSince(apiService.metadata.creationTimestamp, now)];
}

export const apiservices: ResourceDefinition = {
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  categories: ['api-extensions'],
  namespaced: false,
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate,
    validate,
    validateUpdate: validate,
    validateStatusUpdate,
    table: {
      columns: [
        nameColumn(),
        column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
        column('Available', 'string', 'Whether this service is available.'),
        ageColumn(),
      ],
      row,
    },
  },
};
