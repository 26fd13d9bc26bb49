// Events as events.k8s.io/v1 serves them (regarding, note, reportingController...),
// stored as core/v1 Events.
// Validation and printing run on the core/v1 shape, as Kubernetes runs them on
// its one internal Event type.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { eventColumns, eventRow } from './shared/eventPrinting.ts';
import { validateEvent } from './shared/eventValidation.ts';
import { coreEventFromEventsV1, eventsV1FromCoreEvent } from './shared/eventVersions.ts';
import { objectAt, stringAt } from './shared/json.ts';

const regarding = (field: string) => (event: KubeObject) => stringAt(objectAt(event, 'regarding'), field);

export const eventsV1: ResourceDefinition = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  subresources: [],
  // One Event storage, as in Kubernetes: `kubectl get events` sees what events.k8s.io/v1 writes and the other way round.
  storage: { group: '', plural: 'events', apiVersion: 'v1', toStorage: coreEventFromEventsV1, fromStorage: eventsV1FromCoreEvent },
  strategy: {
    validate: (event) => validateEvent(coreEventFromEventsV1(event), 'events.k8s.io'),
    validateUpdate: (event) => validateEvent(coreEventFromEventsV1(event), 'events.k8s.io'),
    // The field labels events.k8s.io/v1 accepts (its conversion maps them to the core ones).
    selectableFields: {
      'regarding.kind': regarding('kind'),
      'regarding.namespace': regarding('namespace'),
      'regarding.name': regarding('name'),
      'regarding.uid': regarding('uid'),
      'regarding.apiVersion': regarding('apiVersion'),
      'regarding.resourceVersion': regarding('resourceVersion'),
      'regarding.fieldPath': regarding('fieldPath'),
      reason: (event) => stringAt(event, 'reason'),
      reportingController: (event) => stringAt(event, 'reportingController'),
      type: (event) => stringAt(event, 'type'),
    },
    table: { columns: eventColumns, row: (event, now) => eventRow(coreEventFromEventsV1(event), now) },
  },
};
