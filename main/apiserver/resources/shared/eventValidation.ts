// ValidateEventCreate / legacyValidateEvent on a core/v1-shaped event.
// core/v1 keeps the lenient legacy rules; events.k8s.io/v1 adds the strict ones.

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import { invalid, required } from '../../validation/fieldErrors.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.ts';
import { numberAt, objectAt, stringAt } from './json.ts';

export function validateEvent(event: KubeObject, api: 'core' | 'events.k8s.io'): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata.namespace ?? '';
  const involvedNamespace = stringAt(objectAt(event, 'involvedObject'), 'namespace');
  const reportingField = api === 'core' ? 'reportingComponent' : 'reportingController';
  const hasEventTime = Boolean(stringAt(event, 'eventTime'));
  if (!hasEventTime) {
    // Old-style events: the namespaces must agree ("default" for cluster-scoped objects, for old clients).
    const mismatch = involvedNamespace ? namespace !== involvedNamespace : namespace !== '' && namespace !== 'default';
    if (mismatch) errs.push(invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
    const controller = stringAt(event, 'reportingComponent');
    if (!controller) errs.push(required(reportingField));
    errs.push(...isQualifiedName(controller).map((msg) => invalid(reportingField, controller, msg)));
    const instance = stringAt(event, 'reportingInstance');
    if (!instance) errs.push(required('reportingInstance'));
    if (instance.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = stringAt(event, 'action');
    if (!action) errs.push(required('action'));
    if (action.length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    const reason = stringAt(event, 'reason');
    if (!reason) errs.push(required('reason'));
    if (reason.length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if (stringAt(event, 'message').length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((msg) => invalid('namespace', namespace, msg)));
  if (api === 'core') return errs;

  if (!hasEventTime) errs.push(required('eventTime'));
  const type = stringAt(event, 'type');
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (stringAt(event, 'firstTimestamp')) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (stringAt(event, 'lastTimestamp')) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if ((numberAt(event, 'count') ?? 0) !== 0) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  const source = objectAt(event, 'source');
  if (stringAt(source, 'component') || stringAt(source, 'host')) errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}
