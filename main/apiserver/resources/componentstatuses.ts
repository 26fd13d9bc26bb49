// ComponentStatuses (v1, deprecated since 1.19 but still served): the health
// of the control plane's parts as `kubectl get componentstatuses` shows it,
// answered when asked (apiserver/componentStatuses.ts), never stored.
// kubectl's columns: NAME, STATUS, MESSAGE, ERROR; every request carries
// kube-apiserver's deprecation warning.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { column, nameColumn } from './shared/columns.ts';

interface ComponentCondition {
  type?: string;
  status?: string;
  message?: string;
  error?: string;
}

function row(obj: KubeObject): unknown[] {
  const healthy = ((obj as KubeObject & { conditions?: ComponentCondition[] }).conditions ?? []).find((c) => c.type === 'Healthy');
  const status = healthy?.status === 'True' ? 'Healthy' : healthy ? 'Unhealthy' : 'Unknown';
  return [obj.metadata.name, status, healthy?.message ?? '', healthy?.error ?? ''];
}

export const componentstatuses: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ComponentStatus',
  plural: 'componentstatuses',
  singular: 'componentstatus',
  shortNames: ['cs'],
  namespaced: false,
  subresources: [],
  verbs: ['get', 'list'],
  deprecationWarning: 'v1 ComponentStatus is deprecated in v1.19+',
  strategy: {
    table: {
      columns: [nameColumn(), column('Status', 'string', 'Status of the component conditions'), column('Message', 'string', 'Message of the component conditions'), column('Error', 'string', 'Error of the component conditions')],
      row,
    },
  },
};
