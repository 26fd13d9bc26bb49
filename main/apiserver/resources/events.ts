// Events (core/v1), the ones `kubectl get events` and `kubectl describe` read.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { eventColumns, eventRow } from './shared/eventPrinting.ts';
import { validateEvent } from './shared/eventValidation.ts';
import { objectAt, stringAt } from './shared/json.ts';

const involved = (field: string) => (event: KubeObject) => stringAt(objectAt(event, 'involvedObject'), field);

export const events: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  subresources: [],
  strategy: {
    validate: (event) => validateEvent(event, 'core'),
    validateUpdate: (event) => validateEvent(event, 'core'),
    selectableFields: {
      'involvedObject.kind': involved('kind'),
      'involvedObject.namespace': involved('namespace'),
      'involvedObject.name': involved('name'),
      'involvedObject.uid': involved('uid'),
      'involvedObject.apiVersion': involved('apiVersion'),
      'involvedObject.resourceVersion': involved('resourceVersion'),
      'involvedObject.fieldPath': involved('fieldPath'),
      reason: (event) => stringAt(event, 'reason'),
      reportingComponent: (event) => stringAt(event, 'reportingComponent'),
      source: (event) => stringAt(objectAt(event, 'source'), 'component') || stringAt(event, 'reportingComponent'),
      type: (event) => stringAt(event, 'type'),
    },
    table: { columns: eventColumns, row: eventRow },
  },
};
