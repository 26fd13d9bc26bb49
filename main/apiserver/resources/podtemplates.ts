// PodTemplates (core/v1): a pod template stored on its own, validated as a
// workload's template is, with kubectl's columns.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { required } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { ensureObject, objectAt, stringMapAt } from './shared/json.ts';
import { defaultPodSpec } from './shared/podSpecDefaults.ts';
import { validatePodTemplateSpec } from './shared/podSpecValidation.ts';
import { containerCells } from './shared/tableCells.ts';

function validate(template: KubeObject) {
  const spec = objectAt(template, 'template');
  return spec ? validatePodTemplateSpec(spec, 'template') : [required('template')];
}

export const podtemplates: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults: (template) => defaultPodSpec(ensureObject(ensureObject(template, 'template'), 'spec'), false),
    validate,
    validateUpdate: (template) => validate(template),
    table: {
      columns: [nameColumn(), column('Containers', 'string', 'Names of each container in the template.'), column('Images', 'string', 'Images referenced by each container in the template.'), column('Pod Labels', 'string', 'The labels for the pod template.'), ageColumn()],
      row(template, now) {
        const spec = objectAt(template, 'template');
        const [containers, images] = containerCells(objectAt(spec, 'spec'));
        const labels = Object.entries(stringMapAt(objectAt(spec, 'metadata'), 'labels') ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
        return [template.metadata.name, containers, images, labels, ageSince(template.metadata.creationTimestamp, now)];
      },
    },
  },
};
