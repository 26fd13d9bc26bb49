// printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (and with -o wide
// SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME), from a core/v1-shaped event.

import type { TableColumnDefinition } from '../../../kube/meta.ts';
import type { KubeObject } from '../../../kube/meta.ts';
import { column, nameColumn } from './columns.ts';
import { ageSince } from './humanDuration.ts';
import { numberAt, objectAt, stringAt } from './json.ts';

// Kubernetes' event table starts with LAST SEEN; the name is a wide column at the end.
export const eventColumns: TableColumnDefinition[] = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
  column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
  column('Count', 'string', 'The number of times this event has occurred.', 1),
  nameColumn(1),
];

export function eventRow(event: KubeObject, now: Date): unknown[] {
  const involved = objectAt(event, 'involvedObject');
  const series = objectAt(event, 'series');
  let firstSeen = ageSince(event.firstTimestamp, now);
  if (!stringAt(event, 'firstTimestamp')) firstSeen = ageSince(event.eventTime, now);
  let lastSeen = stringAt(event, 'lastTimestamp') ? ageSince(event.lastTimestamp, now) : firstSeen;
  let count = numberAt(event, 'count') ?? 0;
  if (series) {
    lastSeen = ageSince(series.lastObservedTime, now);
    count = numberAt(series, 'count') ?? 0;
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }
  const kind = stringAt(involved, 'kind').toLowerCase();
  const target = stringAt(involved, 'name') ? `${kind}/${stringAt(involved, 'name')}` : kind;
  const source = objectAt(event, 'source');
  const component = stringAt(source, 'component') || stringAt(event, 'reportingComponent');
  const host = stringAt(source, 'host') || stringAt(event, 'reportingInstance');
  return [
    lastSeen,
    stringAt(event, 'type'),
    stringAt(event, 'reason'),
    target,
    stringAt(involved, 'fieldPath'),
    host ? `${component}, ${host}` : component,
    stringAt(event, 'message').trim(),
    firstSeen,
    count,
    event.metadata.name,
  ];
}
