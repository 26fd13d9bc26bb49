// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics, the Resource Metrics
// API that `kubectl top` and HorizontalPodAutoscalers read. metrics-server
// serves it in other clusters; PodLab computes it from its runtimes
// (main/metrics) and answers get and list only, as metrics-server does.

import type { KubeObject } from '../../kube/meta.ts';
import { milliValue, quantityValue } from '../../kube/quantity.ts';
import type { ResourceDefinition, TableDefinition } from '../registry/resourceDefinition.ts';
import { column, nameColumn } from './shared/columns.ts';

interface Usage {
  cpu?: string;
  memory?: string;
}

/** metrics-server's table: CPU in millicores, memory in MiB, and the window, summed over containers for pods. */
function usageTable(usageOf: (obj: KubeObject) => Usage[]): TableDefinition {
  return {
    columns: [nameColumn(), column('CPU', 'string', 'CPU usage'), column('Memory', 'string', 'Memory usage'), column('Window', 'string', 'Interval the usage was measured over')],
    row(obj) {
      const usages = usageOf(obj);
      const cpu = usages.reduce((s, u) => s + (u.cpu ? milliValue(u.cpu) : 0), 0);
      const memory = usages.reduce((s, u) => s + (u.memory ? quantityValue(u.memory) : 0), 0);
      return [obj.metadata.name, `${Math.round(cpu)}m`, `${Math.round(memory / 2 ** 20)}Mi`, (obj as { window?: string }).window ?? ''];
    },
  };
}

const metricsGroup = 'metrics.k8s.io';

export const nodeMetrics: ResourceDefinition = {
  group: metricsGroup,
  version: 'v1beta1',
  kind: 'NodeMetrics',
  plural: 'nodes',
  singular: '',
  namespaced: false,
  subresources: [],
  verbs: ['get', 'list'],
  strategy: { table: usageTable((obj) => [(obj as { usage?: Usage }).usage ?? {}]) },
};

export const podMetrics: ResourceDefinition = {
  group: metricsGroup,
  version: 'v1beta1',
  kind: 'PodMetrics',
  plural: 'pods',
  singular: '',
  namespaced: true,
  subresources: [],
  verbs: ['get', 'list'],
  strategy: { table: usageTable((obj) => ((obj as { containers?: Array<{ usage?: Usage }> }).containers ?? []).map((c) => c.usage ?? {})) },
};
