// Column definitions for server-side tables, with the descriptions
// Kubernetes sends (kubectl only shows the names; clients like Lens show
// descriptions as tooltips).

import type { TableColumnDefinition } from '../../../kube/meta.ts';

const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

const creationTimestampDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function column(name: string, type: TableColumnDefinition['type'], description: string, priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

export function nameColumn(priority = 0): TableColumnDefinition {
  return { name: 'Name', type: 'string', format: 'name', description: nameDescription, priority };
}

export function ageColumn(): TableColumnDefinition {
  return column('Age', 'string', creationTimestampDescription);
}

export const containersColumnDescription = 'Names of each container in the template.';
export const imagesColumnDescription = 'Images referenced by each container in the template.';

/** rest.DefaultTableConvertor, for kinds Kubernetes has no printer for (roles): NAME and CREATED AT. */
export const createdAtTable = {
  columns: [nameColumn(), { ...column('Created At', 'date', creationTimestampDescription) }],
  row: (obj: { metadata: { name?: string; creationTimestamp?: string } }) => [obj.metadata.name, obj.metadata.creationTimestamp ?? null],
};
