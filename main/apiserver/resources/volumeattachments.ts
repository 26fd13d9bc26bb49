// VolumeAttachments (storage.k8s.io/v1, cluster-scoped): an attacher's
// request to attach a volume to a node; the spec is immutable, the status
// written through its subresource; printVolumeAttachment's columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, required, semanticEqual } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, stringAt } from './shared/json.ts';

function validate(va: KubeObject): FieldError[] {
  const spec = objectAt(va, 'spec');
  const errs: FieldError[] = [];
  if (!stringAt(spec, 'attacher')) errs.push(required('spec.attacher'));
  if (!stringAt(spec, 'nodeName')) errs.push(required('spec.nodeName'));
  const source = objectAt(spec, 'source');
  const pvName = stringAt(source, 'persistentVolumeName');
  const inline = objectAt(source, 'inlineVolumeSpec');
  if (!pvName && !inline) errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  if (pvName && inline) errs.push(forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  return errs;
}

function validateUpdate(va: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(va);
  if (!semanticEqual(va.spec, old.spec)) errs.push(forbidden('spec', 'spec is immutable'));
  return errs;
}

export const volumeattachments: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'VolumeAttachment',
  plural: 'volumeattachments',
  singular: 'volumeattachment',
  namespaced: false,
  subresources: ['status'],
  strategy: {
    prepareForCreate: (va) => {
      delete va.status;
    },
    validate,
    validateUpdate,
    table: {
      columns: [
        nameColumn(),
        column('Attacher', 'string', 'Attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().'),
        column('PV', 'string', 'Name of the persistent volume to attach.'),
        column('Node', 'string', 'The node that the volume should be attached to.'),
        column('Attached', 'boolean', 'Indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.'),
        ageColumn(),
      ],
      row(va, now) {
        const spec = objectAt(va, 'spec');
        return [
          va.metadata.name,
          stringAt(spec, 'attacher'),
          stringAt(objectAt(spec, 'source'), 'persistentVolumeName'),
          stringAt(spec, 'nodeName'),
          objectAt(va, 'status')?.attached === true,
          ageSince(va.metadata.creationTimestamp, now),
        ];
      },
    },
  },
};
